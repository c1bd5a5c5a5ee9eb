"""Kinds that record the organisation structure: regions to pairings."""

from partybuild.core.credit_code import credit_code_problem
from partybuild.organisation.models import Institution, Region
from partybuild.organisation.services import region_path_for

from ..engine import Column, ImportKind, Planned, Row, assign
from ..parsing import CellError, choice_parser, parse_bool, parse_date, parse_int, text


def parse_credit_code(value) -> str:
    code = text(value).upper()
    problem = credit_code_problem(code)
    if problem:
        raise CellError(problem)
    return code


def region_level(code: str, parent: Region | None) -> str:
    """Province/city/district from the six-digit division code; longer codes are streets."""
    if len(code) > 6:
        return Region.Level.STREET
    if code.endswith("0000"):
        return Region.Level.PROVINCE
    if code.endswith("00"):
        return Region.Level.CITY
    return Region.Level.DISTRICT


class RegionsKind(ImportKind):
    name, label, model = "regions", "行政区划", Region
    columns = (
        Column("code", "区划代码", required=True),
        Column("name", "名称", required=True),
        Column("parent_code", "上级代码"),
    )
    natural_key = ("code",)

    def load(self, rows):
        self.existing = {region.code: region for region in Region.objects.all()}
        self.in_file = {row["code"]: row for row in rows}

    def plan(self, row: Row) -> list[Planned]:
        # Parents may come later in the file: resolve the whole chain once, in plan order.
        return [self._plan_code(row["code"], row, chain=())] if not row.failed else []

    def _plan_code(self, code, row, chain):
        planned = getattr(self, "_planned", None)
        if planned is None:
            planned = self._planned = {}
        if code in planned:
            return planned[code]
        parent = None
        parent_code = row["parent_code"]
        if parent_code:
            if parent_code == code or parent_code in chain:
                row.error("parent_code", f"上级代码“{parent_code}”形成循环")
                return Planned(row, Region(code=code))
            if parent_code in self.in_file:
                parent = self._plan_code(parent_code, self.in_file[parent_code],
                                         chain + (code,)).instance
            else:
                parent = self.existing.get(parent_code)
            if parent is None:
                row.error("parent_code", f"上级区划“{parent_code}”不存在")
                return Planned(row, Region(code=code))
        region = self.existing.get(code) or Region(code=code)
        if self.context.user is not None and not self.context.region_allowed(
                parent or region) and region.pk is None:
            row.error("code", "只能在您管辖的区划下新增区划")
        values = {"name": row["name"], "parent": parent,
                  "level": region_level(code, parent),
                  "path": region_path_for(parent, code)}
        if region.pk is not None and parent is None and region.parent_id is not None:
            # An empty parent column on an existing region keeps its place in the tree.
            values.pop("parent")
            values["path"] = region.path
        changed = assign(region, values)
        item = Planned(row, region, changed)
        planned[code] = item
        return item

    def write(self, planned):
        # Parents first, so that children can point at their saved rows.
        for item in sorted(planned, key=lambda item: item.instance.path.count("/")):
            region = item.instance
            if item.is_new or item.changed:
                region._history_user = self.context.user
                region.save()


CATEGORY = choice_parser(Institution.Category.choices, "类别")
LICENCE = choice_parser(Institution.Licence.choices, "证照状态")


class InstitutionsKind(ImportKind):
    name, label, model = "institutions", "培训机构", Institution
    columns = (
        Column("name", "机构名称", required=True),
        Column("credit_code", "统一社会信用代码", required=True, parse=parse_credit_code),
        Column("permit_no", "办学许可证号"),
        Column("category", "类别", required=True, parse=CATEGORY),
        Column("licence", "证照状态", required=True, parse=LICENCE),
        Column("region_code", "所属区划", required=True),
        Column("address", "地址"),
        Column("founder", "举办者"),
        Column("opened_on", "开办日期", required=True, parse=parse_date),
        Column("closed_on", "停办日期", parse=parse_date),
        Column("charter", "党建入章程", parse=parse_bool),
        Column("staff_count", "从业人员数", parse=parse_int),
    )
    natural_key = ("credit_code",)

    def load(self, rows):
        codes = {row["credit_code"] for row in rows}
        self.existing = {institution.credit_code: institution
                         for institution in Institution.objects.filter(credit_code__in=codes)}
        self.regions = {region.code: region for region in Region.objects.filter(
            code__in={row["region_code"] for row in rows})}

    def plan(self, row: Row) -> list[Planned]:
        region = self.regions.get(row["region_code"])
        if region is None:
            row.error("region_code", f"区划“{row['region_code']}”不存在")
            return []
        if not self.context.region_allowed(region):
            row.error("region_code", f"区划“{region.name}”不在您管辖的范围内")
            return []
        institution = self.existing.get(row["credit_code"]) or Institution()
        if institution.pk and not self.context.region_allowed(institution.region):
            row.error("credit_code", "该机构属于您管辖范围以外的区划")
            return []
        if row["closed_on"] and row["closed_on"] < row["opened_on"]:
            row.error("closed_on", "停办日期不能早于开办日期")
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
