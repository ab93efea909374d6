from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "tocns.training"
    label = "training"
    verbose_name = "Tập huấn"
