"""The public import point: what readers copy from."""

import doctest
import importlib
import inspect
import pkgutil
import subprocess
import sys
import textwrap

import pytest

import mvc


def test_all_is_sorted_and_unique():
    assert list(mvc.__all__) == sorted(set(mvc.__all__))


def test_every_name_in_all_is_importable_from_mvc():
    for name in mvc.__all__:
        assert getattr(mvc, name) is not None


def test_all_lists_every_public_name_defined_in_init():
    public = {
        name
        for name, value in vars(mvc).items()
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


# --- submodules imported on first use -------------------------------------------------------


def _run(code: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter: what a reader's `import mvc` does, with no module cached."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )


def test_import_mvc_then_use_datasets_and_plotting_without_importing_them():
    run = _run("""
        import sys
        import mvc
        assert "matplotlib" not in sys.modules and "mvc.datasets" not in sys.modules
        x, y = mvc.datasets.heights()
        print(len(x), type(mvc.plotting.figure).__name__, "datasets" in dir(mvc))
    """)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["100", "function", "True"]


def test_an_unknown_attribute_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'plots'"):
        mvc.plots  # noqa: B018  the lookup itself is the test


def test_plotting_without_matplotlib_names_the_plot_extra():
    # sys.modules[name] = None makes `import name` fail as if it were not installed.
    for access in (
        "mvc.plotting",
        "__import__('mvc.plotting')",
        "exec('from mvc import plotting')",
    ):
        run = _run(f"""
            import sys
            sys.modules["matplotlib"] = None
            import mvc
            print(round(mvc.derivative(lambda x: x**2, 3.0), 6))
            try:
                {access}
            except ImportError as error:
                print(type(error).__name__, error)
        """)
        assert run.returncode == 0, run.stderr
        first, second = run.stdout.splitlines()
        assert first == "6.0"
        assert second.startswith(
            "ImportError mvc.plotting draws with matplotlib, which is not installed"
        )
        assert 'pip install "multivariate-calculus-ml[plot]"' in second and "`plot` extra" in second


def _unannotated(function) -> list[str]:
    """The parameters (and 'return') of `function` that have no annotation."""
    signature = inspect.signature(function)
    missing = [
        name
        for name, p in signature.parameters.items()
        if p.annotation is inspect.Parameter.empty and name not in ("self", "cls")
    ]
    return missing + (["return"] if signature.return_annotation is inspect.Signature.empty else [])


def _public_callables():
    for name in mvc.__all__:
        value = getattr(mvc, name)
        if inspect.isclass(value):
            for attr, member in vars(value).items():
                if (not attr.startswith("_") or attr == "__init__") and inspect.isfunction(member):
                    yield f"{name}.{attr}", member
        elif callable(value):
            yield name, value


def test_every_public_function_and_method_is_fully_annotated():
    missing = {name: gaps for name, f in _public_callables() if (gaps := _unannotated(f))}
    assert not missing, f"unannotated parameters or returns: {missing}"
