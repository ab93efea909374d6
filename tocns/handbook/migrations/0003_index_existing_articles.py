from django.db import migrations


def index(apps, schema_editor):
    from tocns.handbook.services import terms_of

    Article = apps.get_model("handbook", "Article")
    ArticleTerm = apps.get_model("handbook", "ArticleTerm")
    for article in Article.objects.all():
        ArticleTerm.objects.bulk_create(
            ArticleTerm(article=article, term=w, in_title=t) for w, t in terms_of(article.title_folded, article.search_text)
        )


class Migration(migrations.Migration):
    dependencies = [("handbook", "0002_search_terms")]
    operations = [migrations.RunPython(index, migrations.RunPython.noop)]
