"""ONS sub-national population projections, as published: ages 0-25 of the areas SEND Hub holds."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from sendhub.forecasting.models import Population
from sendhub.forecasting.population import joiner_scale, parse_population_csv

HEADER = "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2024,2025,2026\n"


def snpp(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


FILE = snpp(
    "E10000017,Lancashire,Population,persons,5,14000,14100.5,14200",
    "E10000017,Lancashire,Population,persons,26,15000,15000,15000",  # over 25: not kept
    "E10000017,Lancashire,Population,persons,90 and over,9000,9100,9200",
    "E10000017,Lancashire,Population,persons,All ages,1200000,1210000,1220000",
    "E10000017,Lancashire,Births,persons,0,11000,11000,11000",  # another component
    "E10000006,Cumbria,Population,males,5,2000,2000,2000",
    "E10000006,Cumbria,Population,females,5,1900,1950,2000",
    "E06000001,Hartlepool,Population,persons,5,1000,1000,1000",  # an area SEND Hub does not hold
)


def test_the_published_layout_is_read_for_held_areas_and_ages():
    parsed = parse_population_csv(FILE, codes={"E10000017", "E10000006"})
    assert parsed.errors == [] and parsed.years == [2024, 2025, 2026]
    assert parsed.values == {
        ("E10000017", 2024, 5): 14000, ("E10000017", 2025, 5): 14100.5, ("E10000017", 2026, 5): 14200,
        ("E10000006", 2024, 5): 3900, ("E10000006", 2025, 5): 3950, ("E10000006", 2026, 5): 4000,
    }


@pytest.mark.parametrize(
    "content, message",
    [
        (b"AREA_CODE,AGE_GROUP,2025\nE10000017,5,1\n", "missing SEX"),
        (b"AREA_CODE,SEX,AGE_GROUP\nE10000017,persons,5\n", "no year columns"),
        (snpp("E10000017,Lancashire,Population,persons,5,14000,x,1"), "Row 2, column 2025: must be a number of people"),
        (snpp("E10000017,Lancashire,Population,people,5,1,1,1"), "Row 2, column SEX: 'people' is not persons"),
        (snpp("E06000001,Hartlepool,Population,persons,5,1,1,1"), "no ages 0 to 25 for any area SEND Hub holds"),
    ],
)
def test_problems_are_named(content, message):
    assert message in parse_population_csv(content, codes={"E10000017"}).errors[0]


def test_import_replaces_the_areas_figures_all_or_nothing(area, other_area, tmp_path, capsys):
    path = tmp_path / "snpp.csv"
    path.write_bytes(FILE)
    call_command("population_import", str(path))
    assert "Imported 6 figures (ages 0-25, 2024-2026) for Cumbria, Lancashire." in capsys.readouterr().out
    assert Population.objects.get(area=area, year=2025, age=5).people == 14100.5
    path.write_bytes(snpp("E10000017,Lancashire,Population,persons,5,1,bad,1"))
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("population_import", str(path))
    assert Population.objects.count() == 6


def test_joiner_scale_is_the_change_in_each_age():
    population = {(2025, 5): 100.0, (2026, 5): 110.0, (2026, 6): 50.0}
    assert joiner_scale(population, base_year=2025, year=2026) == {5: pytest.approx(1.1)}
