"""The places of the structure: regions, party committees and institutions."""


from partybuild.organisation.models import Committee, Institution
from partybuild.regions.models import Region
from partybuild.regions.paths import moved_path, region_path_for

from ...engine import Column, Planned, Row, assign, write_planned
from ...parsing import CellError, choice_parser, parse_bool, parse_date, parse_int, text
from .common import StructureKind, fetch_in, limited, may_refer_to, parse_credit_code

# Regions --------------------------------------------------------------------------------


def region_level(code: str, parent: Region | None) -> str:
    """Province/city/district from the six-digit division code; longer codes are streets."""
    if len(code) > 6:
        return Region.Level.STREET
    if code.endswith("0000"):
        return Region.Level.PROVINCE
    if code.endswith("00"):
        return Region.Level.CITY
    return Region.Level.DISTRICT


def parse_region_code(value) -> str:
    code = text(value)
    if not code.isascii() or not code.isdigit() or not 6 <= len(code) <= 12:
        raise CellError(f"区划代码“{code}”应为6至12位数字")
    return code


class RegionsKind(StructureKind):
    name, label, model = "regions", "行政区划", Region
    columns = (
        Column("code", "区划代码", required=True, parse=parse_region_code),
        Column("name", "名称", required=True, parse=limited(Region, "name")),
        Column("parent_code", "上级代码"),
    )
    natural_key = ("code",)

    def load(self, rows):
        # Regions are few (a city has a few dozen): all of them, for paths and parent chains.
        self.existing = {region.code: region for region in Region.objects.all()}
        self.old_paths = {code: region.path for code, region in self.existing.items()}
        self.in_file = {row["code"]: row for row in rows}
        self.planned_codes: dict[str, Planned] = {}

    def plan(self, row: Row) -> list[Planned]:
        # Parents may come later in the file: resolve the whole chain once, in plan order.
        return [self._plan_code(row["code"], row, chain=())]

    def _plan_code(self, code, row, chain):
        if code in self.planned_codes:
            return self.planned_codes[code]
        region = self.existing.get(code) or Region(code=code)
        item = self.planned_codes[code] = Planned(row, region)
        parent = self._parent(code, row, chain, region)
        if row.failed:
            return item
        if self.context.user is not None:
            self._check_scope(row, region, parent)
        values = {"name": row["name"], "parent": parent, "level": region_level(code, parent),
                  "path": region_path_for(parent, code)}
        if region.pk is not None and parent is None and region.parent_id is not None:
            # An empty parent column on an existing region keeps its place in the tree.
            values.pop("parent")
            values["path"] = region.path
        item.changed = assign(region, values)
        return item

    def _parent(self, code, row, chain, region) -> Region | None:
        parent_code = row["parent_code"]
        if not parent_code:
            return None
        if parent_code == code or parent_code in chain:
            row.error("parent_code", f"上级代码“{parent_code}”形成循环")
            return None
        if parent_code in self.in_file:
            parent = self._plan_code(parent_code, self.in_file[parent_code],
                                     chain + (code,)).instance
        else:
            parent = self.existing.get(parent_code)
        if parent is None:
            row.error("parent_code", f"上级区划“{parent_code}”不存在")
            return None
        if region.pk is not None and parent.path and parent.path.startswith(region.path):
            row.error("parent_code",
                      f"上级代码“{parent_code}”是“{region.name}”的下级区划，形成循环")
            return None
        return parent

    def _check_scope(self, row, region, parent) -> None:
        allowed = self.context.region_allowed
        if region.pk is None:
            if not allowed(parent or region):
                row.error("code", "只能在您管辖的区划下新增区划")
        elif not allowed(region):
            row.error("code", f"区划“{region.name}”不在您管辖的范围内")
        elif parent is not None and parent.pk != region.parent_id and not allowed(parent):
            row.error("parent_code", "不能把区划移到您管辖的范围以外")

    def write(self, planned):
        # Parents first, so that children can point at their saved rows.
        for item in sorted(planned, key=lambda item: item.instance.path.count("/")):
            if item.is_new or item.changed:
                item.instance._history_user = self.context.user
                item.instance.save()
        self._move_descendants(planned)

    def _move_descendants(self, planned) -> None:
        """Regions the file does not list follow their moved ancestors (scoping reads paths)."""
        moves = sorted(
            ((self.old_paths[item.instance.code], item.instance.path) for item in planned
             if item.instance.code in self.old_paths
             and self.old_paths[item.instance.code] != item.instance.path),
            key=lambda move: -len(move[0]),
        )
        if not moves:
            return
        in_file = {item.instance.pk for item in planned}
        for region in self.existing.values():
            if region.pk in in_file:
                continue
            for old, new in moves:
                if region.path.startswith(old):
                    region.path = moved_path(region.path, old, new)
                    region._history_user = self.context.user
                    region.save(update_fields=["path"])
                    break


# Committees -----------------------------------------------------------------------------

COMMITTEE_LEVEL = choice_parser(Committee.Level.choices, "层级")


class CommitteesKind(StructureKind):
    name, label, model = "committees", "党组织", Committee
    columns = (
        Column("name", "名称", required=True, parse=limited(Committee, "name")),
        Column("level", "层级", required=True, parse=COMMITTEE_LEVEL),
        Column("region_code", "所属区划", required=True),
        Column("parent", "上级党组织", parse=limited(Committee, "name")),
    )
    natural_key = ("name",)

    def load(self, rows):
        # Committees are few (one or two per county): all of them, for the parent chains.
        self.stored = {committee.name: committee
                       for committee in Committee.objects.select_related("region")}
        name_of = {committee.pk: committee.name for committee in self.stored.values()}
        self.stored_parent = {name: name_of.get(committee.parent_id)
                              for name, committee in self.stored.items()}
        # An empty parent cell keeps a stored committee's parent, as for regions.
        self.file_parent = {row["name"]: row["parent"] for row in rows if row["parent"]}
        self.regions = {region.code: region for region in fetch_in(
            Region.objects.all(), "code", (row["region_code"] for row in rows))}
        self.instances = {row["name"]: self.stored.get(row["name"]) or Committee(name=row["name"])
                          for row in rows}
        self.parent_of: dict[str, Committee | None] = {}

    def plan(self, row: Row) -> list[Planned]:
        committee = self.instances[row["name"]]
        region = self.regions.get(row["region_code"])
        if region is None:
            row.error("region_code", f"区划“{row['region_code']}”不存在")
        elif not self.context.region_allowed(region):
            row.error("region_code", f"区划“{region.name}”不在您管辖的范围内")
        if committee.pk is not None and not self.context.region_allowed(committee.region):
            row.error("name", f"党组织“{committee.name}”属于您管辖范围以外的区划")
        parent = self._parent(row)
        if row.failed:
            return []
        self.parent_of[committee.name] = parent
        values = {"level": row["level"], "region": region, "parent": parent}
        if parent is None and committee.pk is not None:
            values.pop("parent")
        return [Planned(row, committee, assign(committee, values))]

    def _parent(self, row: Row) -> Committee | None:
        name = row["parent"]
        if not name:
            return None
        if self._in_cycle(row["name"]):
            row.error("parent", f"上级党组织“{name}”形成循环（上级链条回到了“{row['name']}”）")
            return None
        parent = self.instances.get(name) or self.stored.get(name)
        if parent is None:
            row.error("parent", f"上级党组织“{name}”不存在（数据库和本文件中都没有）")
            return None
        # A parent listed in the file is scope-checked on its own row.
        if name not in self.instances and not may_refer_to(self.context, parent.region):
            row.error("parent", f"上级党组织“{name}”不在您管辖的区划内")
            return None
        return parent

    def _final_parent(self, name: str) -> str | None:
        if name in self.file_parent:
            return self.file_parent[name]
        return self.stored_parent.get(name)

    def _in_cycle(self, name: str) -> bool:
        """Whether following the parents (the file's, else the stored ones) comes back here."""
        seen = {name}
        current = self._final_parent(name)
        while current is not None:
            if current == name:
                return True
            if current in seen:
                return False
            seen.add(current)
            current = self._final_parent(current)
        return False

    def write(self, planned):
        # A committee is written once its parent has a primary key: level by level.
        remaining = list(planned)
        while remaining:
            ready = [item for item in remaining
                     if getattr(self.parent_of[item.instance.name], "pk", True) is not None]
            if not ready:
                raise RuntimeError("committee parents form a cycle")
            write_planned(Committee, ready, self.context.user)
            done = {id(item) for item in ready}
            remaining = [item for item in remaining if id(item) not in done]


# Institutions ---------------------------------------------------------------------------

CATEGORY = choice_parser(Institution.Category.choices, "类别")
LICENCE = choice_parser(Institution.Licence.choices, "证照状态")


class InstitutionsKind(StructureKind):
    name, label, model = "institutions", "培训机构", Institution
    columns = (
        Column("name", "机构名称", required=True, parse=limited(Institution, "name")),
        Column("credit_code", "统一社会信用代码", required=True, parse=parse_credit_code),
        Column("permit_no", "办学许可证号", parse=limited(Institution, "permit_no")),
        Column("category", "类别", required=True, parse=CATEGORY),
        Column("licence", "证照状态", required=True, parse=LICENCE),
        Column("region_code", "所属区划", required=True),
        Column("address", "地址", parse=limited(Institution, "address")),
        Column("founder", "举办者", parse=limited(Institution, "founder")),
        Column("opened_on", "开办日期", required=True, parse=parse_date),
        Column("closed_on", "停办日期", parse=parse_date),
        Column("charter", "党建入章程", parse=parse_bool),
        Column("staff_count", "从业人员数", parse=parse_int),
    )
    natural_key = ("credit_code",)

    def load(self, rows):
        self.load_institutions(rows)
        self.regions = {region.code: region for region in self.regions_by_id.values()}

    def plan(self, row: Row) -> list[Planned]:
        region = self.regions.get(row["region_code"])
        if region is None:
            row.error("region_code", f"区划“{row['region_code']}”不存在")
            return []
        if not self.context.region_allowed(region):
            row.error("region_code", f"区划“{region.name}”不在您管辖的范围内")
            return []
        institution = self.institutions.get(row["credit_code"]) or Institution()
        if institution.pk and not self.context.region_allowed(institution.region):
            row.error("credit_code", "该机构属于您管辖范围以外的区划")
            return []
        if not self.check_period(row, "opened_on", "closed_on",
                                 "停办日期 {end} 不能早于开办日期 {start}"):
            return []
        changed = assign(institution, {
            "name": row["name"], "credit_code": row["credit_code"],
            "permit_no": row["permit_no"], "category": row["category"],
            "licence": row["licence"], "region": region, "address": row["address"],
            "founder": row["founder"], "opened_on": row["opened_on"],
            "closed_on": row["closed_on"],
            "charter_includes_party_building": bool(row["charter"]),
            "staff_count": row["staff_count"],
        })
        return [Planned(row, institution, changed)]
