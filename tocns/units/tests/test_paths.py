from tocns.units.paths import ancestors, child_of


def test_child_of():
    assert child_of("/15/02647/02647-001/", "/15/") == "/15/02647/"
    assert child_of("/15/02647/02647-001/", "/15/02647/") == "/15/02647/02647-001/"
    assert child_of("/15/02647/", "/") == "/15/"
    assert child_of("/15/", "/15/") is None
    assert child_of("/08/00721/", "/15/") is None


def test_ancestors():
    assert ancestors("/15/02647/02647-001/") == ["/15/", "/15/02647/"]
    assert ancestors("/15/") == []
