"""The public import point: what readers copy from."""

import doctest
import importlib
import pkgutil

import pytest

import mvc


def test_all_is_sorted_and_unique():
    assert list(mvc.__all__) == sorted(set(mvc.__all__))


def test_every_name_in_all_is_importable_from_mvc():
    for name in mvc.__all__:
        assert getattr(mvc, name) is not None


def test_all_lists_every_public_name_defined_in_init():
    public = {
        name for name, value in vars(mvc).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("mvc.")
    }
    assert public <= set(mvc.__all__)


MODULES = sorted(m.name for m in pkgutil.iter_modules(mvc.__path__, "mvc."))


@pytest.mark.parametrize("name", MODULES)
def test_module_has_a_docstring(name):
    assert importlib.import_module(name).__doc__


@pytest.mark.parametrize("name", [n for n in mvc.__all__ if callable(getattr(mvc, n))])
def test_every_public_callable_has_a_doctest(name):
    finder = doctest.DocTestFinder(recurse=False)
    tests = finder.find(getattr(mvc, name), name)
    assert any(t.examples for t in tests) or name.endswith("Result"), f"{name} has no example"
