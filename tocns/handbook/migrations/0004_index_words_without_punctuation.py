from django.db import migrations


def reindex(apps, schema_editor):
    """The index held words as split on spaces, "(vneid)," among them, which a search for vneid as a whole
    word missed; rebuilt with terms_of, which now drops the punctuation."""
    from tocns.handbook.services import terms_of

    Article = apps.get_model("handbook", "Article")
    ArticleTerm = apps.get_model("handbook", "ArticleTerm")
    ArticleTerm.objects.all().delete()
    for article in Article.objects.only("pk", "title_folded", "search_text").iterator(chunk_size=500):
        ArticleTerm.objects.bulk_create(
            ArticleTerm(article_id=article.pk, term=w, in_title=t)
            for w, t in terms_of(article.title_folded, article.search_text)
        )


class Migration(migrations.Migration):
    dependencies = [("handbook", "0003_index_existing_articles")]
    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
