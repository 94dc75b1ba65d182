"""External URLs: each checked once, politely, with retries, and never past the timeouts.

HEAD first, GET when HEAD is refused (or when the page's ids are needed for fragments).
Redirects are followed by hand, so a loop is an error and a permanent redirect can be
reported with its new URL. Timeouts, connection failures, 5xx and 429 are retried with
exponential backoff and jitter, honouring `Retry-After` up to a cap.

Politeness: a scheduler hands URLs to a fixed pool of worker threads (the global limit),
never more than `per_host` in flight to one host, and every request to a host (retries
and redirects included) starts at least `min_interval` seconds after the previous one.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from docgen.config import LinksConfig
from docgen.links.collect import decode, parse_page

__all__ = ["ExternalResult", "Progress", "check_urls", "retry_after"]

Progress = Callable[[int, int], None]
"""Called as `progress(done, total)` after each external URL is checked."""
USER_AGENT = "docgen-linkcheck/0.1 (+https://pypi.org/project/docgen/)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
# Most servers that refuse HEAD say so with one of these; a GET tells the truth.
_HEAD_REFUSED = frozenset({400, 403, 404, 405, 406, 410, 501})
_MAX_PAGE_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class ExternalResult:
    """The outcome for one URL: good or not, the last status, and why.

    Attributes:
        url: the URL as checked (without its `#fragment`).
        ok: True when the last answer's status is one of `links.accept`.
        status: the last HTTP status, or None when no answer came.
        message: `ok`, `HTTP 404`, or why the check failed (timeout, connection, loop).
        final_url: where redirects ended, when not at `url`; else None.
        checked_at: when it was checked, in seconds since the epoch (for the cache's age).
        from_cache: True when the result was read from the cache, not fetched in this run.

    `permanent_redirect` is the URL to use instead when the URL moved for good; `anchors`
    are the ids of the HTML page when they were fetched for fragment checks; `page_read`
    says the page was fetched for them (a page that is not HTML has no anchors).
    """

    url: str
    ok: bool
    status: int | None
    message: str
    final_url: str | None = None
    permanent_redirect: str | None = None
    anchors: tuple[str, ...] | None = None
    checked_at: float = 0.0
    from_cache: bool = False
    page_read: bool = False


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header's `value` (seconds, or an HTTP date).

    None when the header is absent or unreadable. `now` is the current time in seconds since
    the epoch (default: the clock's), for dates.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.lower()


class _Hosts:
    """Hands out URLs so that no host gets more than its share, and paces each host."""

    def __init__(self, per_host: int, min_interval: float) -> None:
        self._per_host = max(1, per_host)
        self._interval = max(0.0, min_interval)
        self._cond = threading.Condition()
        self._queues: dict[str, deque[str]] = defaultdict(deque)
        self._active: dict[str, int] = defaultdict(int)
        self._next: dict[str, float] = defaultdict(float)

    def add(self, url: str) -> None:
        self._queues[_host(url)].append(url)

    def take(self) -> str | None:
        """The next URL whose host may be asked now; waits for one; None when all are out."""
        with self._cond:
            while True:
                now = time.monotonic()
                wait: float | None = None
                pending = False
                for host, queue in self._queues.items():
                    if not queue:
                        continue
                    pending = True
                    if self._active[host] >= self._per_host:
                        continue
                    ready = self._next[host]
                    if ready <= now:
                        self._active[host] += 1
                        self._next[host] = now + self._interval
                        return queue.popleft()
                    wait = ready - now if wait is None else min(wait, ready - now)
                if not pending:
                    return None
                self._cond.wait(wait)

    def pace(self, url: str) -> None:
        """Block until the next request to this URL's host may start (retries, redirects)."""
        host = _host(url)
        with self._cond:
            while (delay := self._next[host] - time.monotonic()) > 0:
                self._cond.wait(delay)
            self._next[host] = time.monotonic() + self._interval

    def done(self, url: str) -> None:
        with self._cond:
            self._active[_host(url)] -= 1
            self._cond.notify_all()


class _Retry(Exception):  # a signal to retry, never shown
    def __init__(self, message: str, status: int | None = None, wait: float | None = None):
        super().__init__(message)
        self.status = status
        self.wait = wait


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    final_url: str
    permanent_redirect: str | None
    anchors: tuple[str, ...] | None
    page_read: bool


class _Checker:
    def __init__(self, config: LinksConfig, hosts: _Hosts, fragments: frozenset[str]) -> None:
        self.config = config
        self.hosts = hosts
        self.fragments = fragments
        self.timeout = urllib3.Timeout(connect=config.timeout, read=config.timeout)
        self.pool = urllib3.PoolManager(
            num_pools=64,
            maxsize=max(1, config.per_host),
            headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
            retries=False,
            timeout=self.timeout,
        )

    def check(self, url: str) -> ExternalResult:
        attempts = max(0, self.config.retries) + 1
        last: _Retry | None = None
        for attempt in range(attempts):
            if last is not None:
                time.sleep(self._delay(attempt - 1, last.wait))
            try:
                answer = self._follow(url)
            except _Retry as retry:
                last = retry
                continue
            except _Fail as failure:
                return self._result(url, False, failure.status, str(failure))
            ok = answer.status in self.config.accept
            message = "ok" if ok else f"HTTP {answer.status}"
            return ExternalResult(
                url=url,
                ok=ok,
                status=answer.status,
                message=message,
                final_url=answer.final_url if answer.final_url != url else None,
                permanent_redirect=answer.permanent_redirect,
                anchors=answer.anchors,
                checked_at=time.time(),
                page_read=answer.page_read,
            )
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        status = last.status if last else None
        return self._result(url, False, status, f"{last}{tries}")

    @staticmethod
    def _result(url: str, ok: bool, status: int | None, message: str) -> ExternalResult:
        return ExternalResult(url, ok, status, message, checked_at=time.time())

    def _delay(self, attempt: int, wait: float | None) -> float:
        if wait is not None:
            return min(wait, self.config.retry_after_max)
        base = self.config.backoff
        # Jitter spreads retries from many workers; it needs no cryptographic strength.
        jitter = random.uniform(0, base)  # noqa: S311
        return float(min(base * (2.0**attempt) + jitter, self.config.retry_after_max))

    def _follow(self, url: str) -> _Answer:
        seen = {url}
        current = url
        moved: str | None = None
        permanent_so_far = True
        want_anchors = url in self.fragments
        for _ in range(self.config.max_redirects + 1):
            status, location, anchors = self._request(current, want_anchors)
            if status in _REDIRECTS and location:
                target = urljoin(current, location)
                permanent_so_far = permanent_so_far and status in _PERMANENT
                if permanent_so_far:
                    moved = target
                if target in seen:
                    raise _Fail(f"redirect loop back to {target}", status)
                seen.add(target)
                current = target
                continue
            return _Answer(status, current, moved, anchors, want_anchors)
        raise _Fail(f"more than {self.config.max_redirects} redirects", None)

    def _request(
        self, url: str, want_anchors: bool
    ) -> tuple[int, str | None, tuple[str, ...] | None]:
        if not want_anchors:
            try:
                status, location, anchors = self._send("HEAD", url, False)
            except _Retry as retry:
                if retry.status is None or retry.status == 429:
                    raise  # no answer at all, or told to wait: GET would fare no better
            else:
                if status not in _HEAD_REFUSED:
                    return status, location, anchors
        # HEAD refused, or failed where a GET may not (some servers break on HEAD only).
        return self._send("GET", url, want_anchors)

    def _send(
        self, method: str, url: str, want_anchors: bool
    ) -> tuple[int, str | None, tuple[str, ...] | None]:
        self.hosts.pace(url)
        try:
            response = self.pool.request(
                method, url, redirect=False, preload_content=False, timeout=self.timeout
            )
        except NewConnectionError as error:  # a subclass of the timeout error, for history
            raise _Retry(f"connection failed: {_reason(error)}") from error
        except Urllib3Timeout as error:
            raise _Retry(f"timed out after {self.config.timeout:g} s") from error
        except (Urllib3Error, OSError) as error:
            raise _Retry(f"connection failed: {_reason(error)}") from error
        try:
            status = response.status
            if status == 429 or status >= 500:
                raise _Retry(
                    f"HTTP {status}", status, retry_after(response.headers.get("Retry-After"))
                )
            anchors = None
            if (
                want_anchors
                and status == 200
                and "html" in response.headers.get("Content-Type", "")
            ):
                anchors = self._read_anchors(response, url)
            return status, response.headers.get("Location"), anchors
        finally:
            # A GET body is never drained: closing drops the connection, whatever its size.
            if method == "HEAD":
                response.drain_conn()  # no body: this only ends the exchange
                response.release_conn()
            else:
                response.close()

    def _read_anchors(self, response: urllib3.BaseHTTPResponse, url: str) -> tuple[str, ...]:
        # Read a bounded prefix: a huge page must not fill memory or outlast the timeout.
        deadline = time.monotonic() + self.config.timeout
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.stream(65_536):
                chunks.append(chunk)
                size += len(chunk)
                if size >= _MAX_PAGE_BYTES or time.monotonic() > deadline:
                    break
        except Urllib3Timeout as error:
            raise _Retry(f"timed out after {self.config.timeout:g} s") from error
        except (Urllib3Error, OSError) as error:
            raise _Retry(f"connection failed: {_reason(error)}") from error
        text, _ = decode(b"".join(chunks))
        return tuple(sorted(parse_page(url, text).anchors))


class _Fail(Exception):  # a final answer, carried out of the redirect loop
    def __init__(self, message: str, status: int | None):
        super().__init__(message)
        self.status = status


def _reason(error: BaseException) -> str:
    # urllib3 wraps the socket error; its innermost cause reads best ("Connection refused").
    while error.__context__ is not None and isinstance(error, Urllib3Error):
        error = error.__context__
    text = str(error) or type(error).__name__
    return text.split(": ", 1)[-1] if "object at 0x" in text else text


def check_urls(
    urls: Iterable[str],
    config: LinksConfig,
    *,
    fragments: Iterable[str] = (),
    progress: Progress | None = None,
) -> dict[str, ExternalResult]:
    """Check every URL of `urls` (each once) and return its result; blocks until all are done.

    The `config` (the `links` section) sets timeouts, retries, politeness and accepted
    statuses.
    `fragments` are the URLs whose HTML ids are wanted (to check `#fragments` on them).
    `progress(done, total)` is called after each URL, from a worker thread.
    """
    unique = list(dict.fromkeys(urls))
    hosts = _Hosts(config.per_host, config.min_interval)
    for url in unique:
        hosts.add(url)
    checker = _Checker(config, hosts, frozenset(fragments))
    results: dict[str, ExternalResult] = {}
    lock = threading.Lock()

    def work() -> None:
        while (url := hosts.take()) is not None:
            try:
                result = checker.check(url)
            except Exception as error:  # one odd URL must not stop the others
                result = ExternalResult(url, False, None, f"could not be checked: {error}")
            finally:
                hosts.done(url)
            with lock:
                results[url] = result
                done = len(results)
            if progress is not None:
                progress(done, len(unique))

    threads = [
        threading.Thread(target=work, name=f"docgen-links-{n}", daemon=True)
        for n in range(min(max(1, config.max_workers), len(unique)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checker.pool.clear()
    return results
