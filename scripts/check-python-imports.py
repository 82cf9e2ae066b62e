#!/usr/bin/env python3
"""Fails when a Python module that the repository imports comes from no Debian package
that scripts/test.sh installs (or pulls in as a dependency).

Why: `apt-get install --no-install-recommends` brings no recommends, so a module that a
machine set up by hand happens to have (Pillow, say) passes CI there and fails on a fresh
clone. This check reads every tracked .py file with `ast` (imports at any depth, inside
functions too), resolves each module with the interpreter the repository runs
(/usr/bin/python3), finds the Debian package that owns it (`dpkg -S`), and requires that
package in the dependency closure of scripts/debian-packages.txt
(`apt-cache depends --recurse`, recommends and suggests excluded, as apt installs them here).

Local modules (a sibling file or folder of the importing file, or of a folder the file names
in a `# python-path: RELATIVE/FOLDER` comment, as a file that puts that folder on sys.path
does), relative imports, the
standard library and stubs generated from the repository's own .proto files (whose own
imports, protobuf and grpc, are checked in their place) are skipped.

    /usr/bin/python3 scripts/check-python-imports.py [--packages FILE] [--root DIR]

Exit status 0 when every module is provided, 1 with one line per missing module
(file:line, module, and the package that would provide it), 2 on a usage error.
"""

import argparse
import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def tracked_python_files(root: Path) -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.py"], cwd=root, capture_output=True, check=True
    ).stdout.decode()
    return [root / p for p in out.split("\0") if p]


def imported_modules(path: Path, stems: set[str]):
    """(module, line) for every absolute import in the file, at any nesting depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from sjd.v1 import sjd_pb2` names a generated stub, not a symbol of package sjd.v1
            stubs = [f"{node.module}.{a.name}" for a in node.names]
            stubs = [m for m in stubs if generated_stub_imports(m, stems) is not None]
            yield from ((m, node.lineno) for m in stubs) if stubs else [(node.module, node.lineno)]


def proto_stems(root: Path) -> set[str]:
    """Dotted names (`sjd.v1.sjd`) of the repository's .proto files, relative to any folder."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.proto"], cwd=root, capture_output=True, check=True
    ).stdout.decode()
    stems = set()
    for p in filter(None, out.split("\0")):
        parts = Path(p).with_suffix("").parts
        for i in range(len(parts)):
            stems.add(".".join(parts[i:]))
    return stems


def generated_stub_imports(module: str, stems: set[str]) -> list[str] | None:
    """For a protoc-generated stub of one of our .proto files, the modules its code imports."""
    for suffix, needs in (("_pb2_grpc", ["grpc", "google.protobuf"]), ("_pb2", ["google.protobuf"])):
        if module.endswith(suffix) and module[: -len(suffix)] in stems:
            return needs
    return None


def is_local(module: str, path: Path) -> bool:
    first = module.split(".")[0]
    folders = [path.parent] + [
        (path.parent / line.split(":", 1)[1].split()[0]).resolve()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# python-path:")
    ]
    return any((f / f"{first}.py").exists() or (f / first).is_dir() for f in folders)


def module_origin(module: str) -> str | None:
    """A file or folder of the installed module (the longest importable prefix of the name)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            continue
        if spec.origin:  # a file, or "built-in" / "frozen"
            return spec.origin
        locations = list(spec.submodule_search_locations or [])
        if locations:
            return locations[0]
    return None


def owning_package(path: str) -> str | None:
    res = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
    if res.returncode != 0:
        return None
    # "python3-pil:amd64: /usr/lib/python3/dist-packages/PIL/__init__.py"; a folder may list several.
    owners = res.stdout.splitlines()[0].rsplit(": ", 1)[0]
    return owners.split(",")[0].strip().split(":")[0]


def listed_packages(packages_file: Path) -> list[str]:
    names = []
    for line in packages_file.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def dependency_closure(packages: list[str]) -> set[str]:
    res = subprocess.run(
        [
            "apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
            "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *packages,
        ],
        capture_output=True, text=True, check=True,
    )
    closure = set(packages)
    for line in res.stdout.splitlines():
        if line and not line[0].isspace():
            closure.add(line.strip().strip("<>").split(":")[0])
    return closure


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packages", type=Path, default=HERE / "debian-packages.txt",
                    help="the Debian packages scripts/test.sh installs, one a line")
    ap.add_argument("--root", type=Path, default=HERE.parent, help="repository root")
    args = ap.parse_args()
    root = args.root.resolve()

    closure = dependency_closure(listed_packages(args.packages))
    stems = proto_stems(root)
    stdlib = set(sys.stdlib_module_names)
    problems = []
    checked = set()
    for path in tracked_python_files(root):
        pending = list(imported_modules(path, stems))
        while pending:
            module, line = pending.pop()
            first = module.split(".")[0]
            if first in stdlib or first == "__future__" or is_local(module, path):
                continue
            stub_needs = generated_stub_imports(module, stems)
            if stub_needs is not None:
                pending.extend((m, line) for m in stub_needs)
                continue
            where = f"{path.relative_to(root)}:{line}"
            if (module, where) in checked:
                continue
            checked.add((module, where))
            origin = module_origin(module)
            if origin is None:
                problems.append(f"{where}: module '{module}' is not installed for /usr/bin/python3")
                continue
            if origin in ("built-in", "frozen") or origin.startswith(str(root) + os.sep):
                continue
            pkg = owning_package(origin)
            if pkg is None:
                problems.append(
                    f"{where}: module '{module}' ({origin}) belongs to no Debian package: installed by hand?"
                )
            elif pkg not in closure and not pkg.startswith(("libpython3", "python3.")):
                problems.append(
                    f"{where}: module '{module}' comes from Debian's {pkg}, which "
                    f"{args.packages.name} neither lists nor pulls in as a dependency"
                )
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} Python import(s) not provided by the packages scripts/test.sh installs",
              file=sys.stderr)
        return 1
    print(f"every Python import of {len(tracked_python_files(root))} files is provided "
          f"by the Debian packages in {args.packages.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
