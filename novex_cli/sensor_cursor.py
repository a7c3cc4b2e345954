"""Move a sensor's cursor in a Dagster instance, as `dagster dev` will find it.

After `novex demo` has synced the newest Infor snapshot, the snapshot sensor must not request
that snapshot again when `dagster dev` first starts on the same instance. Dagster's own
`dagster sensor cursor --set` would do it, but where the sensor has no stored state yet it
stores one marked STOPPED, which switches off a sensor that runs by default. This keeps the
sensor's status (or declares it as in code) and only sets the cursor.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster._core.definitions.run_request import InstigatorType
from dagster._core.definitions.sensor_definition import SensorType
from dagster._core.remote_origin import RemoteInstigatorOrigin, RemoteRepositoryOrigin
from dagster._core.scheduler.instigation import (
    InstigatorState,
    InstigatorStatus,
    SensorInstigatorData,
)
from dagster._core.workspace.load_target import WorkspaceFileTarget

from novex_cli.stack import REPO_ROOT

WORKSPACE_FILE = REPO_ROOT / "workspace.yaml"
# A Definitions object is served as one repository under this name.
DEFINITIONS_REPOSITORY = "__repository__"


def sensor_origin(
    sensor_name: str, workspace_file: Path = WORKSPACE_FILE
) -> RemoteInstigatorOrigin:
    """The sensor's origin as `dagster dev -w workspace_file` derives it (its first location)."""
    location = WorkspaceFileTarget(paths=[str(workspace_file)]).create_origins()[0]
    return RemoteInstigatorOrigin(
        RemoteRepositoryOrigin(location, DEFINITIONS_REPOSITORY), sensor_name
    )


def sensor_cursor(instance: dg.DagsterInstance, origin: RemoteInstigatorOrigin) -> str | None:
    """The cursor stored for the sensor, if any."""
    state = _stored_state(instance, origin)
    data = state.instigator_data if state is not None else None
    return data.cursor if isinstance(data, SensorInstigatorData) else None


def advance_sensor_cursor(
    instance: dg.DagsterInstance,
    sensor: dg.SensorDefinition,
    cursor: str,
    workspace_file: Path = WORKSPACE_FILE,
) -> bool:
    """Set the sensor's cursor to `cursor` unless it already stands there or further on.

    Returns whether the cursor moved. Cursors compare as strings, as the snapshot sensor's do.
    """
    origin = sensor_origin(sensor.name, workspace_file)
    state = _stored_state(instance, origin)
    if state is None:
        status = (
            InstigatorStatus.DECLARED_IN_CODE
            if sensor.default_status == dg.DefaultSensorStatus.RUNNING
            else InstigatorStatus.STOPPED
        )
        instance.add_instigator_state(
            InstigatorState(
                origin,
                InstigatorType.SENSOR,
                status,
                SensorInstigatorData(
                    min_interval=sensor.minimum_interval_seconds,
                    cursor=cursor,
                    sensor_type=SensorType.STANDARD,
                ),
            )
        )
        return True
    data = state.instigator_data
    old = data.cursor if isinstance(data, SensorInstigatorData) else None
    if old is not None and old >= cursor:
        return False
    kept = data if isinstance(data, SensorInstigatorData) else SensorInstigatorData()
    instance.update_instigator_state(
        state.with_data(
            SensorInstigatorData(
                last_tick_timestamp=kept.last_tick_timestamp,
                last_run_key=kept.last_run_key,
                min_interval=sensor.minimum_interval_seconds,
                cursor=cursor,
                last_tick_start_timestamp=kept.last_tick_start_timestamp,
                last_sensor_start_timestamp=kept.last_sensor_start_timestamp,
                sensor_type=kept.sensor_type or SensorType.STANDARD,
                last_tick_success_timestamp=kept.last_tick_success_timestamp,
            )
        )
    )
    return True


def _stored_state(
    instance: dg.DagsterInstance, origin: RemoteInstigatorOrigin
) -> InstigatorState | None:
    probe = InstigatorState(origin, InstigatorType.SENSOR, InstigatorStatus.STOPPED)
    return instance.get_instigator_state(probe.instigator_origin_id, probe.selector_id)
