from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.core.fields import PathField

# More households than any village has (the largest wards count a few tens of thousands): a typing slip.
MAX_HOUSEHOLDS = 100_000


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    DISTRICT = "district", _("Huyện (cũ)")
    COMMUNE = "commune", _("Xã/phường/đặc khu")
    VILLAGE = "village", _("Thôn/bản/tổ dân phố")


# The types a commune-level unit and a village-level one are named by, in the order they are counted.
COMMUNE_WORDS = ("xã", "phường", "đặc khu", "thị trấn")
VILLAGE_WORDS = ("thôn", "bản", "tổ dân phố", "khu phố", "ấp", "làng", "buôn", "xóm", "khóm", "tổ", "khu")


def type_word(kind: str, name: str, division_type: str = "") -> str:
    """What a unit is called by its type: "phường" for Phường Cốc Lếu, "tổ dân phố" for Tổ dân phố 3;
    from its name, else its recorded type, else the level's usual word."""
    words = COMMUNE_WORDS if kind == UnitKind.COMMUNE else VILLAGE_WORDS
    lowered = name.lower()
    for word in sorted(words, key=len, reverse=True):  # "tổ dân phố" before "tổ"
        if lowered.startswith(word + " "):
            return word
    recorded = (division_type or "").lower()
    return recorded if recorded in words else words[0]


def valid_on(valid_from, valid_to, on) -> bool:
    """Whether a unit valid from ``valid_from`` to ``valid_to`` (either None: open) exists on ``on``."""
    return (valid_from is None or valid_from <= on) and (valid_to is None or valid_to >= on)


def typed_code_candidates(text) -> list[str]:
    """The codes a person may mean when typing a unit's code, the code as typed first. Spreadsheets and
    people drop leading zeros: "2761" is the commune 02761, "8" the province 08, "82" a province or the
    historical district 082, "2761-1" the village 02761-001."""
    text = str(text or "").strip()
    candidates = [text]
    head, dash, tail = text.partition("-")
    if head.isdigit() and (not dash or tail.isdigit()):
        if dash:
            candidates.append(f"{head.zfill(5)}-{tail.zfill(3)}")
        else:
            candidates += [head.zfill(width) for width in (2, 3, 5)]
    return list(dict.fromkeys(c for c in candidates if c))


class UnitQuerySet(models.QuerySet):
    def typed_code(self, text):
        """The unit a person means by the code they typed (see typed_code_candidates): the code as typed,
        else the first of its zero-padded forms that exists. None when there is none."""
        candidates = typed_code_candidates(text)
        found = {unit.code: unit for unit in self.filter(code__in=candidates)}
        return next((found[code] for code in candidates if code in found), None)

    def current(self, on=None):
        """Units valid on a date (today by default): what the map looks like "as it is"."""
        on = on or timezone.localdate()
        return self.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on)).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on)
        )

    def below(self, unit, *, include_self=True):
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)


class Unit(models.Model):
    """A node of the administrative tree. Rows are never deleted: a merged or renamed unit keeps its
    row with valid_to set, so reports can be shown "as it was"."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("cấp"), max_length=10, choices=UnitKind.choices, db_index=True)
    # The official label: "xã", "phường", "đặc khu", "tỉnh", "thành phố trung ương", "thôn", ...
    division_type = models.CharField(_("loại"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cấp trên"),
    )
    # Materialised path of codes, "/15/04465/": everything below a unit is one indexed prefix match.
    path = PathField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    households = models.PositiveIntegerField(
        _("số hộ"), null=True, blank=True, validators=[MaxValueValidator(MAX_HOUSEHOLDS)]
    )
    is_official = models.BooleanField(_("theo danh mục chính thức"), default=False)
    # Demo data is labelled so nobody mistakes it for a real village.
    is_synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        indexes = [models.Index(fields=["parent", "kind"])]

    def __str__(self):
        return self.name

    @property
    def type_label(self) -> str:
        """What the unit is, as its own name or type says: "Xã", "Phường", "Đặc khu", "Tổ dân phố", "Tỉnh"."""
        if self.kind in (UnitKind.COMMUNE, UnitKind.VILLAGE):
            word = type_word(self.kind, self.name, self.division_type)
        elif self.kind == UnitKind.PROVINCE:
            word = (
                "thành phố"
                if self.name.startswith("Thành phố") or self.division_type.startswith("thành phố")
                else "tỉnh"
            )
        else:
            return str(self.get_kind_display())
        return word[:1].upper() + word[1:]

    @property
    def is_current(self) -> bool:
        return valid_on(self.valid_from, self.valid_to, timezone.localdate())

    def ancestor_codes(self) -> list[str]:
        return [part for part in self.path.strip("/").split("/") if part][:-1]

    def ancestors(self):
        """From the top of the tree down to the parent, in one query."""
        codes = self.ancestor_codes()
        by_code = Unit.objects.in_bulk(codes, field_name="code")
        return [by_code[c] for c in codes if c in by_code]

    @staticmethod
    def path_for(parent: "Unit | None", code: str) -> str:
        return f"{parent.path if parent else '/'}{code}/"


class UnitChangeKind(models.TextChoices):
    MERGE = "merge", _("Sáp nhập")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên")


class UnitChange(models.Model):
    """A dated merge, split or rename. Its links are the old -> new crosswalk."""

    kind = models.CharField(_("loại thay đổi"), max_length=10, choices=UnitChangeKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    decision = models.CharField(_("quyết định"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = _("thay đổi đơn vị")

    def __str__(self):
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}"


class UnitChangeLink(models.Model):
    change = models.ForeignKey(UnitChange, on_delete=models.CASCADE, related_name="links")
    old_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successor_links")
    new_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessor_links")
    old_name = models.CharField(max_length=200, blank=True)
    new_name = models.CharField(max_length=200, blank=True)
    # Share of the old unit that went to the new one (1 for a merge or rename; < 1 for a split).
    share = models.DecimalField(max_digits=5, decimal_places=4, default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "old_unit", "new_unit"], name="unique_change_link")
        ]

    def __str__(self):
        return f"{self.old_name} → {self.new_name}"
