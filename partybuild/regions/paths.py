"""Materialised region paths ("/430900/430902/"): a subtree is one prefix."""


def region_path_for(parent, code: str) -> str:
    """The materialised path of a region with this code under this parent."""
    return f"{parent.path if parent else '/'}{code}/"


def is_within_path(path: str, ancestor_path: str) -> bool:
    """Whether the region at path is the region at ancestor_path or lies under it."""
    return path.startswith(ancestor_path)


def moved_path(path: str, old_prefix: str, new_prefix: str) -> str:
    """The path of a region under a moved subtree, rebased from old_prefix to new_prefix."""
    return new_prefix + path[len(old_prefix):]
