from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "tocns.catalogue"
    label = "catalogue"
    verbose_name = "Danh mục dịch vụ số"
