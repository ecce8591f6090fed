"""Every registered loader has its own test module (the meta-test the style guide asks for)."""

from __future__ import annotations

from pathlib import Path

from repurpose.loaders import Loader, registry


def test_registry_keys_come_from_class_names():
    loaders = registry()
    assert set(loaders) == {"hetionet", "drkg", "primekg", "triples"}
    assert all(issubclass(cls, Loader) and cls.key() == key for key, cls in loaders.items())


def test_every_registered_loader_has_a_test_module():
    here = Path(__file__).parent
    missing = [key for key in registry() if not (here / f"test_{key}.py").is_file()]
    assert not missing, f"loaders without tests/loaders/test_<key>.py: {missing}"
    for key in registry():
        text = (here / f"test_{key}.py").read_text(encoding="utf-8")
        assert f'"{key}"' in text, f"test_{key}.py never loads with the {key!r} loader"
