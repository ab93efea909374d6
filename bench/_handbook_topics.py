"""The made-up guides handbook_search.py fills the handbook with: topics (the services they concern, how often
they occur, their words), the places and sentences they mention. Not a script: handbook_search imports it as
``bench._handbook_topics``."""

from dataclasses import dataclass


@dataclass
class Topic:
    services: tuple[str, ...]
    weight: int
    titles: list[str]
    sentences: list[str]


TOPICS = {
    "vneid": Topic(
        ("vneid",),
        20,
        [
            "Kích hoạt tài khoản định danh điện tử mức 2 trên VNeID",
            "Đăng nhập VNeID trên điện thoại mới",
            "Lấy lại mật khẩu VNeID khi quên",
            "Tích hợp giấy phép lái xe vào ứng dụng VNeID",
            "Thông báo lưu trú qua ứng dụng VNeID",
            "Dùng ví giấy tờ trên VNeID thay cho bản giấy",
            "Không nhận được mã kích hoạt VNeID: làm thế nào",
            "Đăng ký định danh điện tử cho trẻ dưới 14 tuổi",
        ],
        [
            "Mở ứng dụng VNeID, chọn mục kích hoạt tài khoản và nhập số định danh cá nhân gồm 12 chữ số.",
            "Mã kích hoạt gửi qua tin nhắn về số điện thoại đã đăng ký với công an xã, chỉ dùng được trong vài phút.",
            "Tài khoản định danh điện tử mức 2 phải đăng ký trực tiếp tại công an xã, mang theo thẻ căn cước gắn chip.",
            "Nếu đổi số điện thoại, cần đến công an xã cập nhật trước khi kích hoạt lại trên VNeID.",
            "Trong mục ví giấy tờ có thể tích hợp thẻ bảo hiểm y tế, giấy phép lái xe và sổ sức khỏe điện tử.",
            "Đặt mã bảo vệ sáu chữ số, không trùng ngày sinh và không ghi lên vỏ điện thoại.",
            "Khi đăng nhập trên điện thoại mới, ứng dụng sẽ yêu cầu xác thực lại bằng khuôn mặt.",
            "Chụp ảnh khuôn mặt ở nơi đủ sáng, bỏ kính và mũ, giữ điện thoại ngang tầm mắt.",
            "Thông báo lưu trú cho khách đến ở qua đêm làm ngay trong mục dịch vụ khác của VNeID.",
        ],
    ),
    "public_services": Topic(
        ("public_services",),
        15,
        [
            "Nộp hồ sơ dịch vụ công trực tuyến từ điện thoại",
            "Đăng ký khai sinh trực tuyến cho con",
            "Xin cấp phiếu lý lịch tư pháp trên Cổng Dịch vụ công",
            "Tra cứu tình trạng hồ sơ dịch vụ công",
            "Thanh toán lệ phí hồ sơ trực tuyến",
            "Đăng ký thường trú qua dịch vụ công trực tuyến",
            "Đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản VNeID",
        ],
        [
            "Vào Cổng Dịch vụ công quốc gia tại dichvucong.gov.vn và đăng nhập bằng tài khoản định danh điện tử.",
            "Chọn thủ tục cần làm, đọc kỹ danh sách giấy tờ phải nộp trước khi bấm nộp hồ sơ.",
            "Chụp giấy tờ rõ nét, đủ bốn góc, không bị lóa đèn, rồi tải lên đúng mục.",
            "Sau khi nộp, hệ thống gửi mã hồ sơ; ghi lại mã này để tra cứu tình trạng giải quyết.",
            "Lệ phí có thể thanh toán trực tuyến bằng tài khoản ngân hàng hoặc ví điện tử, biên lai gửi về thư điện tử.",
            "Nếu hồ sơ bị trả lại, đọc lý do trong mục thông báo, bổ sung giấy tờ và nộp lại, không phải làm từ đầu.",
            "Cán bộ bộ phận một cửa ở xã có thể hướng dẫn nộp hồ sơ trực tuyến ngay tại chỗ.",
            "Kết quả giải quyết thủ tục hành chính có thể nhận qua bưu điện hoặc bản điện tử trên ứng dụng.",
        ],
    ),
    "vssid": Topic(
        ("vssid",),
        10,
        [
            "Cài đặt và đăng nhập ứng dụng VssID",
            "Xem quá trình đóng bảo hiểm xã hội trên VssID",
            "Dùng thẻ bảo hiểm y tế trên VssID khi đi khám",
            "Gia hạn bảo hiểm y tế hộ gia đình",
            "Tra cứu chế độ thai sản trên VssID",
        ],
        [
            "Ứng dụng VssID là bảo hiểm xã hội số của Bảo hiểm xã hội Việt Nam, tải miễn phí trên CH Play và App Store.",
            "Đăng nhập VssID bằng mã số bảo hiểm xã hội hoặc bằng tài khoản định danh điện tử VNeID.",
            "Mục quá trình tham gia cho biết các tháng đã đóng bảo hiểm xã hội và đơn vị đã đóng.",
            "Khi đi khám bệnh, mở thẻ bảo hiểm y tế trên VssID hoặc đưa thẻ căn cước gắn chip cho nhân viên tiếp đón.",
            "Bảo hiểm y tế hộ gia đình nên gia hạn trước khi thẻ hết hạn để không bị gián đoạn quyền lợi.",
            "Nếu thông tin trên VssID sai, báo với đại lý thu bảo hiểm hoặc cơ quan bảo hiểm xã hội.",
        ],
    ),
    "health_book": Topic(
        ("health_book", "vneid"),
        8,
        [
            "Kích hoạt sổ sức khỏe điện tử trên VNeID",
            "Xem kết quả khám bệnh trong sổ sức khỏe điện tử",
            "Sổ sức khỏe điện tử cho người cao tuổi",
            "Tra cứu lịch tiêm chủng của trẻ trong sổ sức khỏe",
        ],
        [
            "Sổ sức khỏe điện tử nằm trong ứng dụng VNeID, mục ví giấy tờ, chọn tích hợp thông tin sổ sức khỏe.",
            "Thông tin khám chữa bệnh được cơ sở y tế cập nhật sau mỗi lần khám có dùng bảo hiểm y tế.",
            "Người thân có thể xem giúp người cao tuổi nếu được chỉ cách mở sổ sức khỏe ngay trên điện thoại của họ.",
            "Lịch tiêm chủng của trẻ em được trạm y tế xã ghi vào sổ, cha mẹ xem lại trước mỗi đợt tiêm.",
            "Nếu sổ sức khỏe chưa có dữ liệu, hỏi trạm y tế xã để được cập nhật hồ sơ sức khỏe.",
        ],
    ),
    "cashless": Topic(
        ("cashless",),
        15,
        [
            "Thanh toán bằng mã QR an toàn",
            "Mở tài khoản Mobile Money bằng số điện thoại",
            "Chuyển tiền qua ứng dụng ngân hàng",
            "Bán hàng nhận tiền bằng mã QR cho hộ kinh doanh",
            "Nhận lương hưu, trợ cấp qua tài khoản ngân hàng",
            "Kiểm tra tên người nhận trước khi chuyển khoản",
        ],
        [
            "Trước khi quét mã QR, kiểm tra tên người nhận hiện trên màn hình có đúng với cửa hàng không.",
            "Mã QR dán sẵn ở quầy có thể bị kẻ gian dán đè; hỏi lại người bán nếu tên tài khoản lạ.",
            "Tài khoản Mobile Money mở bằng số điện thoại chính chủ, nạp tiền tại điểm giao dịch của nhà mạng.",
            "Đặt hạn mức chuyển tiền mỗi ngày vừa đủ dùng để giảm thiệt hại nếu điện thoại bị mất.",
            "Sau khi chuyển khoản, chụp lại màn hình giao dịch thành công và giữ tin nhắn biến động số dư.",
            "Thanh toán không dùng tiền mặt giúp nhận tiền trợ cấp, lương hưu nhanh mà không phải đi xa.",
            "Hộ kinh doanh in mã QR tĩnh của ngân hàng, treo ở nơi dễ thấy và kiểm tra tiền về trước khi giao hàng.",
        ],
    ),
    "online_safety": Topic(
        ("online_safety",),
        18,
        [
            "Nhận biết cuộc gọi giả danh công an",
            "Các chiêu lừa đảo qua mạng thường gặp",
            "Tin nhắn trúng thưởng giả mạo: đừng bấm đường link",
            "Lừa đảo việc nhẹ lương cao trên mạng xã hội",
            "Lỡ chuyển tiền cho kẻ lừa đảo thì làm gì",
            "Cảnh giác ứng dụng giả mạo dịch vụ công",
            "Lừa đảo cài phần mềm để cập nhật định danh",
        ],
        [
            "Công an không bao giờ gọi điện yêu cầu chuyển tiền hay cài ứng dụng để phục vụ điều tra.",
            "Kẻ lừa đảo thường tạo cảm giác gấp gáp, dọa khóa tài khoản hoặc dọa liên quan đến vụ án.",
            "Không bấm vào đường link lạ trong tin nhắn, kể cả khi tin nhắn mang tên ngân hàng hay nhà mạng.",
            "Không đọc mã OTP cho bất kỳ ai, mã này chỉ dùng để chính bạn xác nhận giao dịch.",
            "Nếu lỡ chuyển tiền, gọi ngay tổng đài ngân hàng để yêu cầu phong tỏa và báo công an xã.",
            "Lời mời việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng trên mạng đều là chiêu lừa đảo quen thuộc.",
            "Ứng dụng giả mạo dịch vụ công thường được gửi qua đường link, không có trên kho ứng dụng chính thức.",
            "Báo trang web, số điện thoại lừa đảo tại chongluadao.vn hoặc qua chức năng phản ánh của VNeID.",
        ],
    ),
    "social_groups": Topic(
        ("social_groups",),
        8,
        [
            "Bảo vệ tài khoản Zalo bằng xác thực hai lớp",
            "Lập nhóm Zalo thôn để báo tin",
            "Tài khoản Zalo bị chiếm: lấy lại thế nào",
            "Nhận diện tin nhắn Zalo giả người thân vay tiền",
            "Dùng Zalo gọi video cho người thân ở xa",
        ],
        [
            "Bật xác thực hai lớp trong phần cài đặt tài khoản và bảo mật của Zalo.",
            "Nhóm Zalo thôn giúp trưởng thôn báo lịch họp, lịch tiêm chủng và cảnh báo lừa đảo mới.",
            "Khi người thân nhắn Zalo hỏi vay tiền gấp, gọi điện trực tiếp để kiểm tra trước khi chuyển.",
            "Nếu tài khoản Zalo bị chiếm, đăng nhập lại bằng số điện thoại và đổi mật khẩu ngay.",
            "Không chia sẻ ảnh thẻ căn cước, mã OTP hay mật khẩu trong nhóm Zalo hoặc Facebook.",
            "Quản trị nhóm nên duyệt thành viên mới để kẻ gian không vào nhóm đăng đường link lừa đảo.",
        ],
    ),
    "ecommerce": Topic(
        ("ecommerce",),
        4,
        [
            "Bán nông sản trên sàn thương mại điện tử",
            "Mua hàng trực tuyến an toàn, tránh hàng giả",
            "Đóng gói và gửi hàng qua bưu điện khi bán trên mạng",
        ],
        [
            "Chụp ảnh sản phẩm rõ nét, ghi đúng khối lượng, nguồn gốc và giá bán.",
            "Bưu điện xã nhận gửi hàng cho người bán trên sàn thương mại điện tử, thu tiền hộ khi giao.",
            "Chỉ thanh toán trong ứng dụng của sàn, không chuyển khoản riêng cho người bán lạ.",
            "Đọc nhận xét của người mua trước, cẩn thận với hàng giá rẻ bất thường.",
        ],
    ),
    "digital_signature": Topic(
        ("digital_signature",),
        2,
        ["Đăng ký chữ ký số cá nhân", "Ký hồ sơ điện tử bằng chữ ký số trên điện thoại"],
        [
            "Chữ ký số cá nhân dùng để ký hồ sơ điện tử, có giá trị như chữ ký tay.",
            "Đăng ký chữ ký số với nhà cung cấp được cấp phép, xác thực bằng tài khoản định danh điện tử.",
            "Giữ kín mã PIN của chữ ký số, không cho người khác mượn điện thoại để ký thay.",
        ],
    ),
}
GENERIC = [
    "Thành viên Tổ công nghệ số có thể ngồi cạnh chỉ từng bước nhưng không cần biết mật khẩu của bạn.",
    "Nếu điện thoại yếu sóng, ra chỗ thoáng hoặc lên nhà văn hóa thôn nơi có wifi rồi làm lại.",
    "Ghi các bước vào sổ tay để lần sau tự làm được, nhất là với người cao tuổi.",
    "Khi ai đó hỏi mã xác thực, đó là dấu hiệu lừa đảo: từ chối và báo cho tổ trưởng.",
    "Giữ điện thoại đủ pin và còn dung lượng trống trước khi cài ứng dụng mới.",
    "Chỉ tải ứng dụng từ CH Play hoặc App Store, không cài tệp lạ gửi qua tin nhắn.",
    "Hỏi cán bộ xã hoặc gọi tổng đài hỗ trợ nếu màn hình báo lỗi mà không rõ nguyên nhân.",
]
QUALIFIERS = [
    "",
    "",
    "",
    " cho người cao tuổi",
    " trên điện thoại Android",
    " trên iPhone",
    " cho bà con vùng cao",
    " khi điện thoại yếu sóng",
    " tại nhà văn hóa thôn",
    " cho hộ kinh doanh nhỏ",
    " cho học sinh, sinh viên",
    " – những lỗi hay gặp",
    " cho người mới dùng điện thoại thông minh",
]
PLACES = ["bản Na Lang", "xã Sín Chéng", "thôn Pả Vi", "xã Mường Khương", "bản Lũng Cú", "thôn Khe Hồng"]
RARE_SENTENCE = (
    "Ở bản Lác, hợp tác xã du lịch cộng đồng làm homestay đã nhận tiền phòng của du khách bằng mã QR."
)
SUMMARY_OPENINGS = ["Hướng dẫn từng bước: ", "Tóm tắt: ", "", "Những điều cần biết: "]
