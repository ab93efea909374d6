from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "tocns.evaluation"
    label = "evaluation"
    verbose_name = "Đánh giá hiệu quả"
