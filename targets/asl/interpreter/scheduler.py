"""A deterministic discrete-event scheduler for executions, branches and Map iterations.

Every thread of control (an execution, a Parallel branch, a Map iteration, a child execution) is a Python
generator. It yields a request and is resumed with the answer:

- `Sleep(seconds)`: resume when the virtual clock has advanced that much (Wait, Retry backoff, task time);
- `Join(group)`: start child threads (at most `limit` at a time) and resume with their results, or with
  the first failure that the group does not tolerate (the other children are then cancelled);
- `Park(key, ...)`: wait for an outside event (a task token callback), with optional timeout/heartbeat.

Ready threads run in the order they became ready (time, then sequence number), so the interleaving of
concurrent branches is the same on every run. Nothing here knows ASL.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Generator
from typing import Any

from .clock import VirtualClock

Thread = Generator[Any, Any, Any]


class Sleep:
    __slots__ = ("seconds",)

    def __init__(self, seconds: float):
        self.seconds = seconds


class Cancelled(BaseException):
    """Thrown into nothing; marks a task that was cancelled (its generator is closed)."""


class Task:
    __slots__ = ("cancelled", "done", "epoch", "error", "gen", "group", "index", "on_done", "owner", "result",
                 "waiting")

    def __init__(self, gen: Thread, on_done: Callable[[Task], None] | None):
        self.gen = gen
        self.on_done = on_done
        self.owner: Group | None = None  # the group this task is child `index` of (it reports there when done)
        self.index = 0
        self.done = False
        self.cancelled = False
        self.epoch = 0  # bumped on every resume: stale timer entries are ignored
        self.result: Any = None
        self.error: BaseException | None = None
        self.group: Group | None = None  # the group this task is waiting on
        self.waiting: Park | None = None


class Group:
    """Children of one Join. `factories[i]()` makes child i's generator.

    `should_fail(failures, total)`: after a failure, True when the group must fail now (default: any
    failure). A tolerated failure leaves None in the results. `deadline`: virtual time after which
    the group fails with `timeout_error()`.
    """

    __slots__ = ("deadline", "factories", "failures", "finished", "limit", "next", "on_child_done", "parent",
                 "passive", "results", "running", "sched", "should_fail", "threshold_error", "timeout_error")

    def __init__(self, factories: list[Callable[[], Thread]], *, limit: int = 0,
                 should_fail: Callable[[int, int], bool] | None = None,
                 threshold_error: Callable[[], BaseException] | None = None,
                 deadline: float | None = None, timeout_error: Callable[[], BaseException] | None = None,
                 on_child_done: Callable[[int, Task], None] | None = None, passive: bool = False):
        self.factories = factories
        self.passive = passive
        self.limit = limit if limit and limit > 0 else len(factories)
        self.should_fail = should_fail
        self.threshold_error = threshold_error
        self.deadline = deadline
        self.timeout_error = timeout_error
        self.on_child_done = on_child_done
        self.results: list[Any] = [None] * len(factories)
        self.failures = 0
        self.next = 0
        self.running: dict[int, Task] = {}
        self.finished = False
        self.parent: Task | None = None
        self.sched: Scheduler | None = None


class Join:
    __slots__ = ("group",)

    def __init__(self, group: Group):
        self.group = group


class Park:
    """Wait for `wake(key, value)` / `wake(key, error=...)`; `timeout`/`heartbeat` in seconds raise the errors."""

    __slots__ = ("heartbeat", "heartbeat_error", "key", "last_beat", "task", "timeout", "timeout_error")

    def __init__(self, key: str, *, timeout: float | None = None, heartbeat: float | None = None,
                 timeout_error: Callable[[], BaseException] | None = None,
                 heartbeat_error: Callable[[], BaseException] | None = None):
        self.key = key
        self.timeout = timeout
        self.heartbeat = heartbeat
        self.timeout_error = timeout_error
        self.heartbeat_error = heartbeat_error
        self.task: Task | None = None
        self.last_beat = 0.0


class _Expiry:
    """A group's deadline: fails the group unless it finished first (or its parent moved on)."""

    __slots__ = ("epoch", "group", "parent", "sched")

    def __init__(self, sched: Scheduler, group: Group, parent: Task):
        self.sched = sched
        self.group = group
        self.parent = parent
        self.epoch = parent.epoch

    def __call__(self) -> None:
        group = self.group
        if group.finished or self.parent.epoch != self.epoch:
            return
        self.sched._fail_group(group, group.timeout_error() if group.timeout_error else TimeoutError())


class Scheduler:
    def __init__(self, clock: VirtualClock):
        self.clock = clock
        # (moment, sequence, task, its epoch, value, error, passive): resume `task` with `value`/`error` unless it
        # moved on (epoch) or ended; task None: call `value` (a timer). The sequence breaks ties, so entries
        # never compare further. A task's resume is a tuple, not a closure over five cells and a call.
        self._heap: list[tuple[float, int, Task | None, int, Any, BaseException | None, bool]] = []
        self._seq = 0
        self._active = 0
        self.parked: dict[str, Park] = {}
        self._until: Callable[[], bool] | None = None  # `run`'s stop condition while it runs
        # a thread that sleeps until before anything else is due runs on at once, in the same `_step` (see
        # there); False: every sleep goes through the queue (tests compare the two)
        self.inline_sleeps = True

    # -- queue -----------------------------------------------------------------------------------------
    def at(self, moment: float, fn: Callable[[], None], *, passive: bool = False) -> None:
        """Run `fn` at `moment`. A passive entry (an execution's deadline) does not keep the run going on its
        own: when only passive entries are left, `run` stops and the waiting executions stay RUNNING."""
        self._seq += 1
        heapq.heappush(self._heap, (moment, self._seq, None, 0, fn, None, passive))
        if not passive:
            self._active += 1

    def _resume(self, task: Task, moment: float, value: Any = None, error: BaseException | None = None) -> None:
        """Step `task` with `value`/`error` at `moment`, unless it moved on or ended by then."""
        self._seq += 1
        heapq.heappush(self._heap, (moment, self._seq, task, task.epoch, value, error, False))
        self._active += 1

    def spawn(self, gen: Thread, on_done: Callable[[Task], None] | None = None) -> Task:
        task = Task(gen, on_done)
        self._resume(task, self.clock.t)
        return task

    def run(self, until: Callable[[], bool] | None = None) -> None:
        """Run until nothing is ready (or `until()` holds): time jumps to the next event."""
        heap = self._heap
        clock = self.clock
        outer, self._until = self._until, until
        try:
            while heap and self._active:
                moment, _, task, epoch, value, error, passive = heapq.heappop(heap)
                if not passive:
                    self._active -= 1
                if moment > clock.t:
                    clock.t = moment
                if task is None:
                    value()
                elif not (task.done or task.cancelled or task.epoch != epoch):
                    self._step(task, value, error)
                if until is not None and until():
                    return
        finally:
            self._until = outer
        if heap:
            self._drop_spent_deadlines()

    def _drop_spent_deadlines(self) -> None:
        """Forget the deadlines of groups that finished. Only passive entries are left when `run` stops, each an
        execution's deadline (a year away for a Standard one): unpopped, they would keep every finished
        execution alive through their closures and grow the heap with every run of a long-lived interpreter."""
        heap = self._heap
        live = [entry for entry in heap if not (type(entry[4]) is _Expiry and entry[4].group.finished)]
        if len(live) != len(heap):
            heapq.heapify(live)
            self._heap = live

    @property
    def idle(self) -> bool:
        return not self._active

    # -- stepping ---------------------------------------------------------------------------------------
    def _step(self, task: Task, value: Any, error: BaseException | None) -> None:
        """Resume `task` with `value` (or `error`) and queue what it asks for next.

        A `Sleep` ending strictly before every queued entry would be the next entry `run` pops (ties go to
        the older entry), so the task goes on here at once, the clock moved as `run` would move it: what a
        task's virtual seconds cost becomes a loop turn, not a closure, a heap push and pop and a call."""
        clock = self.clock
        while True:
            task.epoch += 1
            task.group = None
            task.waiting = None
            try:
                request = task.gen.throw(error) if error is not None else task.gen.send(value)
            except StopIteration as stop:
                self._finish(task, stop.value, None)
                return
            except Exception as exc:
                self._finish(task, None, exc)
                return
            kind = type(request)
            if kind is Sleep:
                moment = clock.t + max(0.0, request.seconds)
                heap = self._heap  # (read each time: a run nested in a handler may replace the list)
                if (not heap or moment < heap[0][0]) and self.inline_sleeps and self._until is None:
                    if moment > clock.t:
                        clock.t = moment
                    value = error = None
                    continue
                self._resume(task, moment)
                return
            break
        if kind is Join:
            self._join(task, request.group)
        elif kind is Park:
            self._park(task, request)
        else:  # pragma: no cover - a programming error in the engine
            self._finish(task, None, TypeError(f"unknown scheduler request {request!r}"))

    def _finish(self, task: Task, result: Any, error: BaseException | None) -> None:
        task.done = True
        task.result = result
        task.error = error
        owner = task.owner
        if owner is not None:
            self._child_done(owner, task.index, task)
        elif task.on_done is not None:
            task.on_done(task)

    # -- groups -----------------------------------------------------------------------------------------
    def _join(self, parent: Task, group: Group) -> None:
        group.parent = parent
        group.sched = self
        parent.group = group
        if not group.factories:
            group.finished = True
            self._resume(parent, self.clock.t, [])
            return
        if group.deadline is not None:
            self.at(group.deadline, _Expiry(self, group, parent), passive=group.passive)
        while group.next < len(group.factories) and len(group.running) < group.limit:
            self._launch(group)

    def _launch(self, group: Group) -> None:
        index = group.next
        group.next += 1
        task = Task(group.factories[index](), None)
        task.owner = group
        task.index = index
        group.running[index] = task
        self._resume(task, self.clock.t)

    def _child_done(self, group: Group, index: int, child: Task) -> None:
        group.running.pop(index, None)
        if group.finished:
            return
        if group.on_child_done is not None:
            group.on_child_done(index, child)
        if child.error is not None:
            group.failures += 1
            fail = group.should_fail is None or group.should_fail(group.failures, len(group.factories))
            if fail:
                error = child.error
                if group.should_fail is not None and group.threshold_error is not None:
                    error = group.threshold_error()
                self._fail_group(group, error)
                return
        else:
            group.results[index] = child.result
        if group.next < len(group.factories):
            self._launch(group)
        elif not group.running:
            group.finished = True
            assert group.parent is not None
            self._resume(group.parent, self.clock.t, group.results)

    def _fail_group(self, group: Group, error: BaseException) -> None:
        group.finished = True
        for task in list(group.running.values()):
            self.cancel(task)
        group.running.clear()
        assert group.parent is not None
        self._resume(group.parent, self.clock.t, None, error)

    def cancel(self, task: Task) -> None:
        """Stop a thread and everything it waits on; its generator sees GeneratorExit at its yield."""
        if task.done or task.cancelled:
            return
        task.cancelled = True
        group = task.group
        if group is not None and not group.finished:
            group.finished = True
            for child in list(group.running.values()):
                self.cancel(child)
            group.running.clear()
        if task.waiting is not None:
            self.parked.pop(task.waiting.key, None)
        task.gen.close()
        task.done = True

    # -- parking ----------------------------------------------------------------------------------------
    def _park(self, task: Task, park: Park) -> None:
        park.task = task
        park.last_beat = self.clock.t
        task.waiting = park
        self.parked[park.key] = park
        epoch = task.epoch
        if park.timeout is not None:
            def timed_out() -> None:
                if task.epoch == epoch and self.parked.get(park.key) is park:
                    del self.parked[park.key]
                    self._step(task, None, park.timeout_error() if park.timeout_error else TimeoutError())
            self.at(self.clock.t + park.timeout, timed_out)
        if park.heartbeat is not None:
            self._arm_heartbeat(park, epoch)

    def _arm_heartbeat(self, park: Park, epoch: int) -> None:
        task = park.task
        assert task is not None and park.heartbeat is not None
        beat = park.last_beat

        def missed() -> None:
            if task.epoch == epoch and self.parked.get(park.key) is park and park.last_beat == beat:
                del self.parked[park.key]
                self._step(task, None, park.heartbeat_error() if park.heartbeat_error else TimeoutError())
        self.at(beat + park.heartbeat, missed)

    def wake(self, key: str, value: Any = None, *, error: BaseException | None = None,
             delay: float = 0.0) -> bool:
        park = self.parked.get(key)
        if park is None or park.task is None:
            return False
        self.at(self.clock.t + max(0.0, delay), functools.partial(self._wake_now, park, park.task.epoch, value, error))
        return True

    def _wake_now(self, park: Park, epoch: int, value: Any, error: BaseException | None) -> None:
        """A `wake`'s entry come due: resume the parked task unless it moved on meanwhile."""
        task = park.task
        assert task is not None
        if task.epoch == epoch and self.parked.get(park.key) is park:
            del self.parked[park.key]
            self._step(task, value, error)

    def heartbeat(self, key: str) -> bool:
        park = self.parked.get(key)
        if park is None or park.task is None:
            return False
        park.last_beat = self.clock.t
        if park.heartbeat is not None:
            self._arm_heartbeat(park, park.task.epoch)
        return True
