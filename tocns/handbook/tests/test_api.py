from tocns.accounts.api_tokens import issue_token


def test_anonymous_gets_public_articles_ranked_like_the_page(client, write_article):
    write_article("a", "Lừa đảo qua điện thoại", steps=["Cuộc gọi giả danh công an"])
    write_article("b", "Cuộc gọi giả danh công an: lừa đảo thường gặp")
    write_article("c", "Cuộc gọi lừa đảo (nội bộ)", audience="members")
    write_article("d", "Cuộc gọi lừa đảo (nháp)", publish=False)
    body = client.get("/api/v1/articles", {"q": "lua dao cuoc goi"}).json()
    assert body["count"] == 2
    assert [a["slug"] for a in body["items"]] == ["b", "a"]
    page = client.get("/cam-nang/", {"q": "lua dao cuoc goi"})
    assert [a.slug for a in page.context["page"]] == ["b", "a"]
    item = body["items"][0]
    assert set(item) == {
        "id",
        "slug",
        "title",
        "summary",
        "kind",
        "kind_label",
        "audience",
        "services",
        "last_checked",
        "url",
    }
    assert item["last_checked"] == "2026-11-20" and item["url"].endswith("/cam-nang/b/")


def test_member_key_reads_members_articles_too(client, write_article, people):
    write_article("c", "Cuộc gọi lừa đảo (nội bộ)", audience="members", services=["online_safety"])
    _token, key = issue_token(user=people.team_member, name="t")
    body = client.get("/api/v1/articles", {"q": "cuoc goi"}, HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [a["slug"] for a in body["items"]] == ["c"] and body["items"][0]["services"] == ["online_safety"]
    assert client.get("/api/v1/articles", {"q": "cuoc goi"}).json()["count"] == 0
    assert (
        client.get(
            "/api/v1/articles", {"service": "online_safety"}, HTTP_AUTHORIZATION=f"Bearer {key}"
        ).json()["count"]
        == 1
    )


def test_articles_endpoint_is_in_the_schema(client):
    from openapi_spec_validator import validate

    schema = client.get("/api/v1/openapi.json").json()
    validate(schema)
    operation = schema["paths"]["/api/v1/articles"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "service", "limit", "offset"}
