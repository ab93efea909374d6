"""What people type for the same thing, folded as search folds text (no diacritics, đ→d, lower case).

Each group lists ways of saying one thing; a query holding any of them finds articles holding any other
("smartphone" finds "điện thoại thông minh"). A phrase is matched as words next to each other, so "căn
cước" does not match "căn nhà ... cước phí". Keep entries plain and certain: a wrong pair makes every
search for either word worse. A group whose members contain one another ("căn cước" inside "thẻ căn
cước") is fine: the longer one is there so a query's "thẻ căn cước" counts as one thing, not three words.
"""

GROUPS: tuple[tuple[str, ...], ...] = (
    ("smartphone", "smart phone", "dien thoai thong minh"),
    (
        "cccd",
        "can cuoc",
        "can cuoc cong dan",
        "the can cuoc",
        "cmnd",
        "chung minh nhan dan",
        "chung minh thu",
    ),
    ("otp", "ma otp", "ma xac thuc"),
    ("chuyen khoan", "chuyen tien"),
    ("gia danh", "mao danh", "gia mao"),
    ("facebook", "fb", "face book", "phay buc"),
    ("zalo", "za lo", "dalo"),
    ("vneid", "vn eid"),
    ("vssid", "vss id"),
    ("app", "ung dung"),
    ("bhxh", "bao hiem xa hoi"),
    ("bhyt", "bao hiem y te"),
    ("dvc", "dich vu cong"),
    ("csgt", "canh sat giao thong"),
    ("sdt", "so dien thoai"),
    ("mobile money", "tien di dong"),
    ("online", "truc tuyen"),
    ("password", "mat khau"),
    ("bi hack", "bi chiem"),
    ("lua dao", "lua gat", "scam"),
)

# Groups that hold only when the query is about someone pretending to be someone else: "cảnh sát giao
# thông" alone is about traffic fines, but "giả danh cảnh sát" is the police-impersonation scam, which the
# handbook writes as "giả danh công an".
IMPERSONATION = ("gia danh", "mao danh", "gia mao", "gia lam", "tu xung", "xung la", "gia")
# "giả" alone says it ("công an giả"), but the folded "gia" is also part of these words.
NOT_IMPERSONATION = ("tham gia", "quoc gia", "chuyen gia", "gia dinh", "gia tri", "gia han", "gia tien")
WHEN_IMPERSONATION: tuple[tuple[str, ...], ...] = (("cong an", "canh sat"),)

# Words of a question that an article need not hold ("làm sao", "ở đâu"): they still rank an article
# holding them next to the other words higher, but a query is not required to find them. Not "la": folded,
# "lạ" of "số lạ", "người lạ" is "la" too.
FILLERS: tuple[str, ...] = (
    "lam sao",
    "nhu the nao",
    "the nao",
    "o dau",
    "la gi",
    "bang cach nao",
    "cach",
    "de",
    "thi",
    "gi",
    "nao",
    "sao",
    "va",
    "cua",
    "cho",
    "co",
    "duoc",
)
