"""What watching for composers costs a LinkedIn page, in real Chromium.

LinkedIn's pages change their DOM all the time (the feed appends posts as one
scrolls), and the P/R content scripts observe every change of the document
and of each open shadow root. The benchmark loads the fake LinkedIn
(tests/support/fake_linkedin) in headless Chromium with the unpacked
extension, and times, inside the page, appending a batch of 20 feed posts
(about 30 elements each, with a comment box: a form with a text box, which
the scripts must look at and leave alone) and removing it again, each up to
the next task, so the observers' callbacks are included. Three pages:

- baseline: the same page on a host the content scripts do not run on;
- watched: www.linkedin.com, no composer open;
- two bubbles: www.linkedin.com with two conversation bubbles open (their
  controllers are checked after every change).

It prints the median and p95 per batch and the overhead against the
baseline. BENCH_SHORT=1 runs fewer batches. Needs Debian's chromium.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from tests.browser.conftest import launch
from tests.support.fake_linkedin import FakeLinkedIn, generate

SHORT = os.environ.get("BENCH_SHORT") == "1"
BATCHES = 40 if SHORT else 200
WARMUP = 10
POSTS_PER_BATCH = 20
OTHER_HOST = "bench.invalid"  # served by the fake too, but no content script matches it

# One batch: append POSTS_PER_BATCH posts, wait a task, remove them, wait a task; ms.
BATCH = """async (posts) => {
  const main = document.querySelector('main');
  const post = () => {
    const article = document.createElement('article');
    article.innerHTML = `<header><a href="/in/someone-1/"><img alt=""></a><a href="/in/someone-1/">Someone</a>
      <span>Founder · 2h</span></header><div><p>${'Lorem ipsum dolor sit amet. '.repeat(8)}</p>
      <ul>${'<li><a href="/feed/hashtag/x/">#x</a></li>'.repeat(5)}</ul></div>
      <footer><button>Like</button><button>Comment</button><button>Repost</button><button>Send</button></footer>
      <form><div contenteditable="true" role="textbox"><p><br></p></div>
      <div><button type="submit">Post</button></div></form>`;
    return article;
  };
  const task = () => new Promise((resolve) => setTimeout(resolve, 0));
  const started = performance.now();
  const added = Array.from({ length: posts }, post);
  main.append(...added);
  await task();
  for (const node of added) node.remove();
  await task();
  return performance.now() - started;
}"""


async def measure(page: object, batches: int) -> list[float]:
    timings = []
    for index in range(WARMUP + batches):
        elapsed = await page.evaluate(BATCH, POSTS_PER_BATCH)  # type: ignore[attr-defined]
        if index >= WARMUP:
            timings.append(elapsed)
    return timings


def summary(name: str, timings: list[float], baseline: float | None) -> str:
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    extra = "" if baseline is None else f"  overhead {median - baseline:+.2f} ms ({median / baseline:.2f}×)"
    return f"{name:12} median {median:6.2f} ms  p95 {p95:6.2f} ms{extra}"


async def run() -> int:
    data = generate(seed=3, one_to_one=5, aco_only=1, group_chats=1, long_threads=0)
    async with FakeLinkedIn(data) as fake:
        rules = f"MAP www.linkedin.com 127.0.0.1:{fake.port}, MAP {OTHER_HOST} 127.0.0.1:{fake.port}"
        with tempfile.TemporaryDirectory(prefix="bench-composer-") as tmp:
            args = (f"--host-resolver-rules={rules}", "--ignore-certificate-errors")
            async with launch(Path(tmp) / "profile", args) as browser:
                await fake.sign_in(browser.context)
                page = await browser.context.new_page()  # type: ignore[attr-defined]
                # The login page needs no session, so it loads on the other host too.
                await page.goto(f"https://{OTHER_HOST}/login")
                baseline = await measure(page, BATCHES)
                await page.goto("https://www.linkedin.com/login")
                await page.wait_for_timeout(500)  # document_idle: the content scripts have started
                watched = await measure(page, BATCHES)
                await page.goto("https://www.linkedin.com/feed/")
                for conversation in data.one_to_one()[:2]:
                    await page.evaluate("(id) => fakeMessaging.open(id)", conversation.thread_id)
                await page.get_by_role("button", name="PingCRM: show suggestions", exact=True).nth(1).wait_for()
                bubbles = await measure(page, BATCHES)
    base = statistics.median(baseline)
    print(f"composer_watch: {BATCHES} batches of {POSTS_PER_BATCH} feed posts appended and removed")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(summary("baseline", baseline, None))
    print(summary("watched", watched, base))
    print(summary("two bubbles", bubbles, base))
    return 0


def main() -> int:
    return asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
