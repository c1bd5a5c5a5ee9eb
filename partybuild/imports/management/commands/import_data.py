"""python manage.py import_data KIND FILE [--dry-run] | import_data --dir FOLDER [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partybuild.imports.engine import run_import
from partybuild.imports.kinds import KINDS

# The format is read from the file's first bytes; the name only says which kind it holds.
TAKEN_SUFFIXES = (".csv", ".xlsx", ".xls")


class Command(BaseCommand):
    help = "导入 FORMATS.md 规定的 CSV/XLSX/XLS 台账；任何一行有误则整个文件不写入。"

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", choices=list(KINDS), help="数据种类")
        parser.add_argument("file", nargs="?", help="CSV、XLSX 或 XLS 文件")
        parser.add_argument("--dir",
                            help="文件夹：按依赖顺序导入其中每个 KIND.csv / KIND.xlsx / KIND.xls")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")

    def handle(self, *args, kind, file, dir, dry_run, **options):
        if dir:
            if kind or file:
                raise CommandError("使用 --dir 时不要再指定 KIND 和 FILE。")
            jobs = self._jobs_in_folder(Path(dir))
        else:
            if not kind or not file:
                raise CommandError(
                    "用法：import_data KIND FILE [--dry-run] 或 import_data --dir FOLDER"
                )
            jobs = [(kind, Path(file))]
        # The folder is one unit: later kinds refer to what earlier ones create, so a dry run
        # really writes and rolls back, and one bad file leaves the database as it was.
        with transaction.atomic():
            lines = []
            for name, path in jobs:
                if not path.is_file():
                    transaction.set_rollback(True)
                    raise CommandError(f"找不到文件 {path}")
                result = run_import(KINDS[name], path.read_bytes(), path.name,
                                    dry_run=dry_run and not dir)
                if not result.ok:
                    transaction.set_rollback(True)
                    for line in result.error_lines():
                        self.stderr.write(line)
                    raise CommandError(f"{name}: 文件 {path.name} 有错误，未写入任何数据。",
                                       returncode=1)
                lines.append(result.summary_line(" (dry run)" if dry_run else ""))
            if dry_run:
                transaction.set_rollback(True)
        for line in lines:
            self.stdout.write(line)

    def _jobs_in_folder(self, folder: Path) -> list[tuple[str, Path]]:
        """KIND.csv, KIND.xlsx and KIND.xls in any letter case, in dependency order.

        Nothing is skipped silently: every other file is named on standard error, and one
        that looks like a kind's file in a format the importer cannot read (visits.numbers,
        institutions.ods, members.txt) stops the import with exit status 1.
        """
        if not folder.is_dir():
            raise CommandError(f"找不到文件夹 {folder}")
        by_kind: dict[str, list[Path]] = {name: [] for name in KINDS}
        others, unreadable = [], []
        for path in sorted(folder.iterdir()):
            stem, suffix = path.stem.lower(), path.suffix.lower()
            if path.is_file() and stem in by_kind and suffix in TAKEN_SUFFIXES:
                by_kind[stem].append(path)
            elif path.name.startswith(".") or not path.is_file():
                continue
            elif stem in by_kind:
                unreadable.append(path)
            else:
                others.append(path)
        for path in others:
            self.stderr.write(f"未导入 {path.name}：文件名不是 KIND.csv / KIND.xlsx / KIND.xls"
                              f"（KIND 为 {'、'.join(KINDS)} 之一）")
        for path in unreadable:
            self.stderr.write(f"未导入 {path.name}：只读取 .csv、.xlsx、.xls 文件，"
                              f"请另存为 {path.stem}.xlsx 或 {path.stem}.csv"
                              "（Excel 的“Unicode 文本”改名为 .csv 即可）")
        if unreadable:
            raise CommandError("文件夹中有无法读取格式的数据文件，未写入任何数据。", returncode=1)
        jobs = []
        for name, found in by_kind.items():
            if len(found) > 1:
                raise CommandError(f"文件夹中同时有 {'、'.join(path.name for path in found)}，"
                                   "请只保留一个。", returncode=1)
            jobs.extend((name, path) for path in found)
        if not jobs:
            raise CommandError(f"文件夹 {folder} 中没有可导入的文件（如 institutions.csv）。")
        return jobs
