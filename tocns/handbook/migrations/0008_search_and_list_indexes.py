"""Indexes for a handbook of thousands of articles, written in SQL that SQLite and PostgreSQL both run.

* handbook_term_in_title: the search index's rows of words in titles only (a partial index), which a
  broad query's candidates are scored on (selectors._likeliest): a few hundred rows where the same words'
  rows in the text are thousands.
* handbook_article_listing: the articles a citizen reads (published, public) by kind, newest first, with
  their titles, without reading their rows, each as wide as its text: the front page's counts and lists,
  and the titles a broad search orders its candidates by;
* handbook_article_newest: the same lists for members, who read both audiences.

Plain SQL, not models.Index: the models do not declare them, so the migration autodetector never proposes
to drop them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("handbook", "0007_saved_article")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX handbook_term_in_title ON handbook_articleterm (term, article_id, in_title) "
            "WHERE in_title",
            "DROP INDEX handbook_term_in_title",
        ),
        migrations.RunSQL(
            "CREATE INDEX handbook_article_listing ON handbook_article (status, audience, kind, id, title)",
            "DROP INDEX handbook_article_listing",
        ),
        migrations.RunSQL(
            "CREATE INDEX handbook_article_newest ON handbook_article (status, kind, id)",
            "DROP INDEX handbook_article_newest",
        ),
    ]
