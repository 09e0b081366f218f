"""The URLs the benchmark measures and the targets it checks them against."""

# The URLs measured, by the names the report and --only use.
URL_NAMES = (
    "home",
    "ecosystem",
    "partnership-list",
    "partnership-detail",
    "document-list",
    "search",
    "search-text",
    "api-partnership-list",
    "api-partnership-detail",
    "api-organisation-list",
    "region-map",
    "region-detail",
    "checker-suggest",
    "match",
)
# Answered afresh every time: a check depends on the whole consortium sent, and neither the
# page cache nor nginx keeps it. Its true misses and cold requests are measured; there is no
# cached copy to compare with a static file, or between identical and returning clients.
NEVER_CACHED = ("checker-suggest",)
# Paginated lists, compared between the two data sizes.
PAGINATED = ("partnership-list", "document-list", "api-partnership-list")
# The checker with suggestions: the target on a miss at factor 100 (a check is never
# kept by the page cache, so every request is one).
P95_LIMIT_MS = {"search": 100.0, "search-text": 100.0, "checker-suggest": 200.0}
DEFAULT_P95_LIMIT_MS = 50.0
COLD_P95_LIMIT_MS = 150.0
# Returning visitors against identical clients, on gunicorn and through nginx.
RETURNING_MIN_RATIO = 0.8
# Through nginx, returning visitors against nginx sending the same bytes from disk.
RETURNING_NGINX_STATIC_MIN_RATIO = 0.5
# Identical clients (cached pages) against the static file of the same bytes: on gunicorn
# against the same gunicorn's static file, through nginx the microcache against nginx's.
CACHED_STATIC_MIN_RATIO = 0.8
MAX_QUERIES = 12
MAX_WORKER_MB = 200


def ratio(numerator: dict, denominator: dict) -> float:
    return numerator["rps"] / denominator["rps"]


def most_queries(*counted: dict | None) -> int:
    """The most queries of one miss among the probe's counts given: a cold request or a true
    miss (``probe.probe()``)."""
    return max(max([q["cold"], *q["misses"]]) for q in counted if q)


def spread(counts: list[int]) -> str:
    """``counts`` as their lowest and highest joined by a dash, one number if all are the
    same, a dash if there are none."""
    if not counts:
        return "–"
    low, high = min(counts), max(counts)
    return f"{low}" if low == high else f"{low}–{high}"


def queries_text(queries: dict) -> str:
    text = f"{queries['cold']} cold"
    return text + (f", {spread(queries['misses'])} on true misses" if queries["misses"] else "")


def over_query_limit(big: dict, small: dict | None) -> list[str]:
    """The URLs with a miss of more than ``MAX_QUERIES`` queries, at either size."""
    return [
        name
        for name, row in big["urls"].items()
        if most_queries(row["queries"], small and small["probe"]["queries"][name]) > MAX_QUERIES
    ]


def checks(big: dict, small: dict | None) -> list[tuple[str, bool, str]]:
    """Each target with whether it is met and the figures that say so."""
    rows = []
    for name, row in big["urls"].items():
        if "misses" not in row:
            continue
        limit = P95_LIMIT_MS.get(name, DEFAULT_P95_LIMIT_MS)
        p95 = row["misses"]["p95"]
        rows.append((f"{name}: true misses p95 ≤ {limit:.0f} ms", p95 <= limit, f"{p95:.1f} ms"))
    for name, row in big["urls"].items():
        p95 = row["cold"]["p95"]
        rows.append(
            (
                f"{name}: cold after a change p95 ≤ {COLD_P95_LIMIT_MS:.0f} ms",
                p95 <= COLD_P95_LIMIT_MS,
                f"{p95:.1f} ms",
            )
        )
    cached = {name: row for name, row in big["urls"].items() if name not in NEVER_CACHED}
    for name, row in cached.items():
        figure = ratio(row["returning"], row["identical"])
        rows.append(
            (
                f"{name}: returning visitors ≥ {RETURNING_MIN_RATIO} × identical clients",
                figure >= RETURNING_MIN_RATIO,
                f"{figure:.2f}",
            )
        )
    for name, row in cached.items():
        figure = ratio(row["identical"], row["static"])
        rows.append(
            (
                f"{name}: cached ≥ {CACHED_STATIC_MIN_RATIO} × static ceiling",
                figure >= CACHED_STATIC_MIN_RATIO,
                f"{figure:.2f}",
            )
        )
    if small:
        for name in PAGINATED:
            if "misses" not in big["urls"].get(name, {}) or "misses" not in small["urls"].get(
                name, {}
            ):
                continue
            figure = big["urls"][name]["misses"]["p95"] / small["urls"][name]["misses"]["p95"]
            rows.append(
                (
                    f"{name}: true misses p95 factor 100 ≤ 1.5 × factor 1",
                    figure <= 1.5,
                    f"{figure:.2f}×",
                )
            )
    for name, row in big["urls"].items():
        # Constant: the same page at two sizes is the test suite's check (test_discovery.py);
        # here the two sizes show different records and filter values, and an empty prefetch
        # or an empty page costs no query at all.
        small_queries = small["probe"]["queries"][name] if small else None
        rows.append(
            (
                f"{name}: at most {MAX_QUERIES} queries on a miss"
                + (" at both sizes" if small else ""),
                most_queries(row["queries"], small_queries) <= MAX_QUERIES,
                queries_text(row["queries"])
                + (f" (factor 1: {queries_text(small_queries)})" if small else ""),
            )
        )
    nginx = big.get("nginx")
    for name, row in (nginx or {}).get("urls", {}).items():
        figure = ratio(row["identical"], row["static"])
        rows.append(
            (
                f"{name}: through nginx, microcached ≥ {CACHED_STATIC_MIN_RATIO} × nginx static",
                figure >= CACHED_STATIC_MIN_RATIO,
                f"{figure:.2f}",
            )
        )
        figure = ratio(row["returning"], row["identical"])
        rows.append(
            (
                f"{name}: through nginx, returning visitors ≥ {RETURNING_MIN_RATIO} × identical "
                "clients",
                figure >= RETURNING_MIN_RATIO,
                f"{figure:.2f}",
            )
        )
        figure = ratio(row["returning"], row["static"])
        rows.append(
            (
                f"{name}: through nginx, returning visitors ≥ {RETURNING_NGINX_STATIC_MIN_RATIO} "
                "× nginx static",
                figure >= RETURNING_NGINX_STATIC_MIN_RATIO,
                f"{figure:.2f}",
            )
        )
    peak = max(run["worker_peak_mb"] for run in (big, small) if run)
    rows.append(
        (f"worker peak memory < {MAX_WORKER_MB} MB", peak < MAX_WORKER_MB, f"{peak:.0f} MB")
    )
    # Every run's figures (misses, cold, identical, returning, static) count their errors.
    errors = sum(
        figures["errors"]
        for run in (big, small)
        if run
        for row in run["urls"].values()
        for figures in row.values()
        if isinstance(figures, dict) and "errors" in figures
    )
    if nginx:
        errors += nginx["smallest_django"]["errors"] + sum(
            figures["errors"]
            for row in nginx["urls"].values()
            for figures in row.values()
            if isinstance(figures, dict)
        )
    rows.append(("zero errors", errors == 0, f"{errors}"))
    return rows
