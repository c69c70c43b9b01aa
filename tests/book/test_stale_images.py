"""Stale images of earlier builds are removed; every image a page uses stays."""

from __future__ import annotations

from living_review.book.stale_images import main, prune_images, referenced_images


def _site(tmp_path):
    html = tmp_path / "html"
    (html / "_images").mkdir(parents=True)
    (html / "chapters").mkdir()
    for name in ("forest-orr.svg", "old figure.svg", "km.png", "gone.png"):
        (html / "_images" / name).write_text(name)
    (html / "index.html").write_text('<img src="_images/forest-orr.svg" alt="">')
    (html / "chapters" / "a.html").write_text("<img src='../_images/km.png'><a href=\"../_images/old%20figure.svg\">x</a>")
    return html


def test_only_referenced_images_stay(tmp_path):
    html = _site(tmp_path)
    assert referenced_images(html) == {"forest-orr.svg", "km.png", "old figure.svg"}
    removed = prune_images(html)
    assert [p.name for p in removed] == ["gone.png"]
    assert sorted(p.name for p in (html / "_images").iterdir()) == ["forest-orr.svg", "km.png", "old figure.svg"]
    assert prune_images(html) == []


def test_command_and_missing_folder(tmp_path, capsys):
    html = _site(tmp_path)
    assert main([str(html)]) == 0 and "1 stale image(s) removed" in capsys.readouterr().out
    assert prune_images(tmp_path / "nowhere") == []
    assert main([]) == 2
