"""The same filters as tests/unit/test_query_tree.c, run by SQLAlchemy 1.4 on
the same SQLite file: prints one JSON object, case name -> result."""
import json
import sys

from sqlalchemy import (Column, Float, Integer, MetaData, String, Table, and_, create_engine,
                        func, not_, or_, select)

md = MetaData()
s = Table("student", md, Column("id", Integer, primary_key=True), Column("s_name", String(32)),
          Column("s_age", Integer), Column("s_score", Float))
eng = create_engine("sqlite:///" + sys.argv[1])
c = s.c


def ids(cond):
    with eng.connect() as conn:
        return [r[0] for r in conn.execute(select(c.id).where(cond).order_by(c.id))]


cases = {
    "contains": ids(c.s_name.contains("50%_off", autoescape=True)),
    "startswith": ids(c.s_name.startswith("a/", autoescape=True)),
    "endswith": ids(c.s_name.endswith("_b", autoescape=True)),
    "contains_pct": ids(c.s_name.contains("%", autoescape=True)),
    "ilike": ids(c.s_name.ilike("%école%")),
    "ilike_ascii": ids(c.s_name.ilike("BOB")),
    "notilike": ids(c.s_name.notilike("%o%")),
    "notlike": ids(c.s_name.notlike("%o%")),
    "between": ids(c.s_age.between(18, 20)),
    "in_empty": ids(c.s_age.in_([])),
    "notin_empty": ids(c.s_age.notin_([])),
    "notin": ids(c.s_age.notin_([18, 20])),
    "tree": ids(or_(and_(c.s_age >= 18, c.s_name.startswith("a", autoescape=True)),
                    not_(c.s_score.between(0, 50)))),
    "deep": ids(and_(or_(c.s_age < 18, c.s_age > 20), not_(or_(c.s_name == "Bob",
                                                                 c.s_score.is_(None))))),
}
with eng.connect() as conn:
    cases["group_having"] = [list(r) for r in conn.execute(
        select(c.s_age, func.count(c.id)).group_by(c.s_age)
        .having(func.count(c.id) > 1).order_by(c.s_age))]
    row = conn.execute(select(func.sum(c.s_age), func.avg(c.s_age), func.min(c.s_score),
                              func.max(c.s_name), func.count())).one()
    cases["aggregates"] = list(row)
print(json.dumps(cases, sort_keys=True))
