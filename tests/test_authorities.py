from paceqi.data.authorities import SCOTTISH_AUTHORITIES, slugify


def test_thirty_two_distinct_authorities_with_distinct_slugs():
    assert len(SCOTTISH_AUTHORITIES) == 32
    assert len({slugify(a) for a in SCOTTISH_AUTHORITIES}) == 32


def test_slugify_is_path_safe():
    for bad in ("../../x", "a/b\\c", "..", "", "  ", "Ünïcödé  Council"):
        s = slugify(bad)
        assert s and "/" not in s and "\\" not in s and ".." not in s
        assert s.replace("_", "").isalnum()
