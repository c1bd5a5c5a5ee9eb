#!/usr/bin/env bash
# Print the Python 3.11 interpreter to build the virtualenv with, or fail saying what is missing.
set -euo pipefail

for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        command -v "$candidate"
        exit 0
    fi
done

echo "partybuild needs Python 3.11: neither python3.11 nor python3 (3.11) was found in PATH." >&2
echo "On Debian/Ubuntu: apt-get install python3.11 python3.11-venv" >&2
exit 1
