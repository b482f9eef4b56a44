"""The folder sensor, evaluated with dg.build_sensor_context against a real folder."""

import os

import dagster as dg

from assets.resources import ArticlesFolder
from pipelines.definitions import build_warehouse as build_warehouse_job
from pipelines.sensors import build_articles_folder_sensor


def evaluate(sensor, folder, cursor):
    context = dg.build_sensor_context(cursor=cursor, resources={"articles_folder": ArticlesFolder(path=str(folder))})
    return sensor(context)


def test_sensor_requests_a_run_on_add_change_and_delete_only(tmp_path):
    sensor = build_articles_folder_sensor(build_warehouse_job)
    (tmp_path / "a.txt").write_text("Title\nBody.\n")

    first = evaluate(sensor, tmp_path, None)
    assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
    cursor = first.cursor

    unchanged = evaluate(sensor, tmp_path, cursor)
    assert isinstance(unchanged, dg.SkipReason)

    (tmp_path / "b.txt").write_text("Another\nBody.\n")
    added = evaluate(sensor, tmp_path, cursor)
    assert len(added.run_requests) == 1 and added.cursor != cursor

    (tmp_path / "b.txt").write_text("Another\nBody, edited.\n")
    os.utime(tmp_path / "b.txt", ns=(1, 1))
    edited = evaluate(sensor, tmp_path, added.cursor)
    assert len(edited.run_requests) == 1 and edited.cursor != added.cursor

    (tmp_path / "b.txt").unlink()
    deleted = evaluate(sensor, tmp_path, edited.cursor)
    assert len(deleted.run_requests) == 1
    assert deleted.cursor == cursor  # back to the first folder state
    # the state repeats, so a run key would be deduplicated by Dagster: there must be none
    assert deleted.run_requests[0].run_key is None


def test_sensor_ignores_hidden_files(tmp_path):
    sensor = build_articles_folder_sensor(build_warehouse_job)
    (tmp_path / "a.txt").write_text("Title\nBody.\n")
    cursor = evaluate(sensor, tmp_path, None).cursor
    (tmp_path / ".a.txt.swp").write_text("editor litter")
    assert isinstance(evaluate(sensor, tmp_path, cursor), dg.SkipReason)
