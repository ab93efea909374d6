from django.db import migrations, models

import tocns.handbook.models


def reindex(apps, schema_editor):
    """The index gains the pairs of words next to each other ("~gia danh"), which ranking reads to put a
    phrase before the same words scattered; rebuilt with terms_of for every article."""
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
    dependencies = [("handbook", "0005_services_from_catalogue")]

    operations = [
        migrations.RemoveIndex(model_name="articleterm", name="handbook_ar_term_391c85_idx"),
        # Compared byte by byte on PostgreSQL (collation "C"), as SQLite already does: see TermField.
        migrations.AlterField(
            model_name="articleterm",
            name="term",
            field=tocns.handbook.models.TermField(max_length=60),
        ),
        migrations.AddIndex(
            model_name="articleterm",
            index=models.Index(fields=["term", "article", "in_title"], name="handbook_term_lookup"),
        ),
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
