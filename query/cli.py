"""The ``veille`` command line: index, search, analyze."""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from veille.indexer.locations import INDEX_ENV, default_index_dir

from .limits import CLI_SEARCH_SECONDS, MAX_LIMIT, SERVER_SEARCH_SECONDS, SERVER_SEARCH_THREADS

# Whoosh and the index code are imported inside the commands, after main() has
# deferred the standard-library modules Whoosh pulls in but never uses here
# (see startup.py): a search starts in about a tenth of a second.


# What a terminal would act on instead of showing: escape sequences (CSI, the strings
# of OSC, DCS, SOS, PM and APC, other ESC forms; 7- and 8-bit) and the other control
# characters but tab and newline. A title could otherwise clear the screen or set
# the window's title.
_TERMINAL_CONTROLS = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
# JSON escapes C0 controls itself; DEL and C1 are escaped too (ensure_ascii stays off).
_JSON_CONTROLS = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def terminal_safe(text: str) -> str:
    """``text`` without the escape sequences and control characters a terminal acts on."""
    return _TERMINAL_CONTROLS.sub("", text)


def json_text(data, indent: int | None = None) -> str:
    """``data`` as JSON, non-ASCII kept as is but every control character escaped."""
    return json.dumps(data, ensure_ascii=False, indent=indent).translate(_JSON_CONTROLS)


class VeilleError(click.ClickException):
    """An error reported in one line; exit code 2, like grep's errors."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(terminal_safe(message))


def index_option(command):
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=INDEX_ENV,
        show_envvar=True,
        help="Index folder. Default: a per-user data folder "
        "($XDG_DATA_HOME/veille/index on Linux).",
    )(command)


def table_options(synonyms_help: str, variants_help: str):
    """The --synonyms and --variants options, and --no-default-synonyms/-variants."""

    def decorate(command):
        for table in ("variants", "synonyms"):
            command = click.option(
                f"--no-default-{table}",
                f"no_default_{table}",
                is_flag=True,
                help=f"Leave out the shipped {table} table (use only --{table} FILE, if given).",
            )(command)
        for name, text in (("--variants", variants_help), ("--synonyms", synonyms_help)):
            command = click.option(
                name, type=click.Path(exists=True, dir_okay=False, path_type=Path), help=text
            )(command)
        return command

    return decorate


def resolve_index(index_dir: Path | None) -> Path:
    return (index_dir or default_index_dir()).expanduser()


def index_named_on_command_line() -> bool:
    """Whether --index was given on the command line (rather than by VEILLE_INDEX)."""
    source = click.get_current_context().get_parameter_source("index_dir")
    return source is click.core.ParameterSource.COMMANDLINE


def index_command(index_dir: Path | None) -> str:
    """The `veille index` command line that fills the index folder the user chose."""
    if index_dir is not None and index_named_on_command_line():
        import shlex

        return f"veille index --index {shlex.quote(str(index_dir))} PATH..."
    return "veille index PATH..."


def require_index(index_dir: Path | None) -> Path:
    """The index folder; a VeilleError naming it, and how to fill it, if it holds nothing yet.
    Only `veille search` fills the default folder with the bundled articles on first use."""
    from veille.indexer.store import holds_something, index_exists

    directory = resolve_index(index_dir)
    if index_exists(directory) or holds_something(directory):
        return directory  # an index, or something else that opening it will name
    named = str(directory)
    if index_dir is not None and not index_named_on_command_line():
        named += f" ({INDEX_ENV})"
    raise VeilleError(f"no index at {named}: run `{index_command(index_dir)}` first")


def index_bundled_articles_if_new(directory: Path) -> None:
    """Fill the default index folder with the bundled articles if it holds nothing yet (or
    holds them as indexed by another version of veille), saying so on stderr."""
    from veille.corpus import CORPUS_DIR
    from veille.indexer.build import index_paths
    from veille.indexer.store import holds_demonstration, holds_something, index_exists, is_current

    if not index_exists(directory) and not holds_something(directory):
        click.echo(
            f"No index at {terminal_safe(str(directory))} yet: indexing the bundled articles "
            "(the first `veille index PATH...` replaces them with your files).",
            err=True,
        )
    elif holds_demonstration(directory) and not is_current(directory):
        click.echo("Indexing the bundled articles again for this version of veille.", err=True)
    else:
        return
    summary = index_paths(directory, [CORPUS_DIR], warn=warn, demonstration=True)
    click.echo(summary.line(), err=True)


def load_table(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise VeilleError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise VeilleError(
            f"cannot read {path}: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8"
        ) from None


def make_analyzer(
    synonyms: Path | None,
    variants: Path | None,
    no_default_synonyms: bool = False,
    no_default_variants: bool = False,
):
    """The chain with the tables given on the command line (each added to the shipped
    one unless its --no-default-… flag is given), or None if none was given."""
    from veille.indexer.analysis import (
        build_analyzer,
        default_synonyms_text,
        default_variants_text,
    )
    from veille.indexer.tables import TableError

    if not (synonyms or variants or no_default_synonyms or no_default_variants):
        return None
    own_synonyms, own_variants = load_table(synonyms), load_table(variants)
    try:
        # The user's files alone first, so that an error names their own lines.
        build_analyzer(
            own_synonyms,
            own_variants,
            str(synonyms or "synonyms file"),
            str(variants or "variants file"),
        )
        return build_analyzer(
            _with_shipped(own_synonyms, no_default_synonyms, default_synonyms_text),
            _with_shipped(own_variants, no_default_variants, default_variants_text),
            f"{synonyms or 'synonyms file'} with the shipped synonyms",
            f"{variants or 'variants file'} with the shipped variants",
        )
    except TableError as exc:
        raise VeilleError(str(exc)) from None


def _with_shipped(own: str | None, no_default: bool, shipped) -> str:
    """A table: the user's lines after the shipped ones, or the user's alone."""
    if no_default:
        return own or ""
    return shipped() if own is None else f"{shipped()}\n{own}"


PROGRESS_AFTER_SECONDS = 0.5  # a shorter run shows no progress bar


def warn(message: str) -> None:
    click.echo(f"warning: {terminal_safe(message)}", err=True)


def use_color() -> bool | None:
    """None lets click decide (a terminal gets color); NO_COLOR turns it off."""
    return False if os.environ.get("NO_COLOR") else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="veille")
def cli():
    """Search news articles whichever way they spell a name.

    Index a folder of .txt articles with `veille index FOLDER`, then search it
    with `veille search QUERY`. Kiev finds Kyiv and Київ, NATO finds OTAN,
    securite finds sécurité.
    """


@cli.command(short_help="Index article files and folders of them; re-reads only changes.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@index_option
@table_options(
    "Synonym file (synonyms.txt format) whose lines add to the shipped table.",
    "Name-variant file (same format) whose lines add to the shipped table.",
)
@click.option("--rebuild", is_flag=True, help="Start the index from scratch with these paths.")
@click.option(
    "--procs",
    type=click.IntRange(1, 16),
    help="Processes that analyse documents. Default: 1, or one per core (up to 4) "
    "from 2000 files on.",
)
@click.option(
    "--progress-after",
    type=click.FloatRange(0),
    default=PROGRESS_AFTER_SECONDS,
    show_default=True,
    envvar="VEILLE_PROGRESS_AFTER",
    show_envvar=True,
    metavar="SECONDS",
    help="How long a run lasts before its progress bar shows on a terminal (0: at once).",
)
@click.option(
    "--follow-links",
    is_flag=True,
    help="Also index files that symbolic links lead to outside the given folders "
    "(by default they are skipped with a warning).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def index(
    paths,
    index_dir,
    synonyms,
    variants,
    no_default_synonyms,
    no_default_variants,
    rebuild,
    procs,
    progress_after,
    follow_links,
    as_json,
):
    """Index article files and folders of them.

    Reads .txt, .md, .html/.htm, and .json/.jsonl exports (one article per
    record). Run it again on the same folders to bring the index up to date:
    only new and changed files are read, and documents of deleted files are
    removed. Page leftovers (breadcrumbs, bylines, share and comment blocks,
    footers) are left out of the text. A progress bar shows on a terminal once
    a run has lasted half a second (--progress-after). The first run into the
    default index replaces the bundled articles `veille search` put there.
    """
    from veille.indexer.build import index_paths
    from veille.indexer.store import StoreError

    directory = resolve_index(index_dir)
    analyzer = make_analyzer(synonyms, variants, no_default_synonyms, no_default_variants)
    if not paths:
        raise VeilleError(f"give the files or folders to index: {index_command(index_dir)}")
    targets = list(paths)
    bar = ProgressBar(progress_after)
    try:
        with stopped_by_signals() as received:
            summary = index_paths(
                directory,
                targets,
                analyzer,
                rebuild=rebuild,
                warn=bar.warn,
                procs=procs,
                progress=stoppable(received, bar.update),
                follow_links=follow_links,
            )
            raise_if_stopped(received)
    except KeyboardInterrupt:
        bar.close()
        raise Stopped(directory, received.get("signal", signal.SIGINT)) from None
    except StoreError as exc:
        raise VeilleError(str(exc)) from None
    except OSError as exc:
        raise VeilleError(f"cannot write the index at {directory}: {exc.strerror or exc}") from None
    finally:
        bar.close()
    if summary.demonstration_removed:
        click.echo(
            "the bundled articles were removed from the index: it now holds your files", err=True
        )
    if as_json:
        data = {"index": str(directory), **summary.as_json(), "warnings": summary.warnings}
        click.echo(json_text(data))
    else:
        click.echo(summary.line())


class Stopped(click.ClickException):
    """A run stopped by SIGINT or SIGTERM, after cleaning up; exit status 128 + the signal."""

    def __init__(self, directory: Path, signum: int):
        super().__init__(
            f"stopped by {signal.Signals(signum).name}: the index at {directory} "
            "keeps its last committed state"
        )
        self.exit_code = 128 + signum


@contextmanager
def stopped_by_signals() -> Iterator[dict]:
    """Turn SIGTERM, like SIGINT, into KeyboardInterrupt, so that a run stopped either way
    removes its temporary files and releases the index; later signals are ignored while it
    cleans up. Yields a dict that gets the signal received.

    Python cannot raise an exception in a finalizer (``__del__``, a generator closed
    when dropped): one raised there is reported and dropped, and the run would go on.
    Such a report is left out, and ``raise_if_stopped`` raises it again where it can.
    """
    received: dict = {}
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def stop(signum, frame):
        received["signal"] = signum
        for name in STOP_SIGNALS:
            signal.signal(name, signal.SIG_IGN)
        raise KeyboardInterrupt

    previous = {name: signal.signal(name, stop) for name in STOP_SIGNALS}
    reporting = sys.unraisablehook
    sys.unraisablehook = _without_stops(reporting)
    try:
        yield received
    finally:
        for name, handler in previous.items():
            signal.signal(name, handler)
        sys.unraisablehook = reporting


def raise_if_stopped(received: dict) -> None:
    """Raise KeyboardInterrupt once a stop signal was received (again, if a finalizer
    dropped the first one)."""
    if "signal" in received:
        raise KeyboardInterrupt


def stoppable(received: dict, function):
    """``function``, first checking that no stop signal was received (called at each file)."""

    def checked(*args, **kwargs):
        raise_if_stopped(received)
        return function(*args, **kwargs)

    return checked


def _without_stops(report):
    """An unraisable-exception hook that leaves out the stop's KeyboardInterrupt."""

    def hook(unraisable) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            report(unraisable)

    return hook


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class ProgressBar:
    """click's progress bar on stderr, on a terminal, once a run has lasted ``after_seconds``.

    It follows the files as they are read and analysed; the commit that follows
    is announced on its own line.
    """

    def __init__(self, after_seconds: float = PROGRESS_AFTER_SECONDS):
        self.after_seconds = after_seconds
        self.started = time.monotonic()
        self.bar = None
        self.done = 0
        self.shown = stderr_is_terminal()

    def update(self, done: int, total: int, reading: str | None = None) -> None:
        """``done`` files of ``total``; ``reading`` tells how far a large file is read."""
        if not self.shown:
            return
        if self.bar is None:
            if time.monotonic() - self.started < self.after_seconds or done >= total:
                return
            self.bar = click.progressbar(
                length=total,
                label="indexing",
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda item: item,
            )
            self.bar.__enter__()
        self.bar.update(done - self.done, reading)
        self.done = done
        if done >= total:
            self.close()
            click.echo("writing the index…", err=True)

    def warn(self, message: str) -> None:
        if self.bar is not None:  # start the warning on its own line
            click.echo(err=True)
        warn(message)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@cli.command(name="search", short_help="Search the index, best hits first.")
@click.argument("query", nargs=-1, required=True)
@index_option
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=10,
    show_default=True,
    help="Hits per page.",
)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True, help="Page of hits.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only documents dated this day or later.",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only documents dated this day or earlier.",
)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default="relevance",
    show_default=True,
    help="Best matches first, or newest first.",
)
@click.option(
    "--fuzzy",
    is_flag=True,
    help="Tolerate typos: words of 5+ letters also match indexed words one edit away "
    "(two from 9 letters), never between names listed as distinct (Kiev is not Kiel).",
)
@click.option(
    "--match",
    type=click.Choice(["any", "all"]),
    default="any",
    show_default=True,
    help="any: documents with every word first, then those with most of them (each "
    "partial hit says what it lacks); all: only documents with every word.",
)
@click.option(
    "--collapse/--no-collapse",
    default=True,
    show_default=True,
    help="One hit per story: other versions of the same story are listed under it.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(0.1, 3600),
    default=None,
    metavar="SECONDS",
    help=f"What the search may take (default {CLI_SEARCH_SECONDS:.0f}): parsing, matching, "
    "suggestions, snippets. Out of time, it shows what it found, marked partial.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the results as one JSON object, with facet counts by source and month.",
)
def search_command(
    query,
    index_dir,
    limit,
    page,
    since,
    until,
    sort,
    fuzzy,
    match,
    collapse,
    time_limit,
    as_json,
):
    """Search the index; print the best hits first, with highlighted snippets.

    Type words or a whole question: documents holding every word come first,
    then those holding most of them, each with a "Missing:" line (--match all
    keeps only the first). Question words (comment, quel, pourquoi…) only add
    to the score. Use "quoted phrases" (required), +word (required), OR, NOT
    or -word, parentheses, title:word, word* for a prefix, and source:cbc.ca or
    lang:en to keep one source or language. Exit status: 0 with hits, 1 with
    none, 2 on an error. With no index yet in the default folder (no --index
    nor VEILLE_INDEX), the two bundled articles are indexed there first.
    """
    from veille.indexer.store import StoreError, open_index

    from .parser import QueryError
    from .search import Options, question_mark, search

    text = " ".join(query)
    if since and until and since > until:
        raise VeilleError("--since is after --until: no date can match")
    options = Options(
        since.date() if since else None,
        until.date() if until else None,
        sort,
        facets=as_json,
        collapse=collapse,
        fuzzy=fuzzy,
        match=match,
    )
    directory = resolve_index(index_dir)
    try:
        if index_dir is None:
            index_bundled_articles_if_new(directory)
        ix = open_index(require_index(index_dir))
        seconds = time_limit or CLI_SEARCH_SECONDS
        result = search(ix, text, limit=limit, page=page, time_limit=seconds, options=options)
    except (StoreError, QueryError) as exc:
        raise VeilleError(str(exc)) from None
    if result.relaxed:
        warn("no document matches the query as written (its quoted phrases, or its words "
             "other than question words): these hits match part of it")
    if result.partial:
        warn(f"the search stopped after {seconds:g} s: results are partial")
    if as_json:
        click.echo(json_text(result.as_json(), indent=2))
    else:
        print_hits(result)
    if result.suggestion and not as_json:
        suggestion = terminal_safe(result.suggestion)
        click.echo(f"Did you mean: {suggestion}{question_mark(suggestion)}", err=True)
    click.get_current_context().exit(0 if result.total else 1)


def print_hits(result) -> None:
    from .snippets import to_terminal

    color = use_color()
    if not result.total:
        click.echo(f"No match for {terminal_safe(repr(result.query))}.", err=True)
        return
    first = (result.page - 1) * result.limit + 1
    last = first + len(result.hits) - 1
    shown = f"{first}-{last}" if result.hits else "none"
    click.echo(f"{result.summary()} (showing {shown})")
    for hit in result.hits:
        click.echo()
        click.echo(f"{hit.rank}. " + click.style(terminal_safe(hit.title), bold=True), color=color)
        score = f"  (score {hit.score:.2f})" if hit.score is not None else ""
        click.echo(f"   {terminal_safe(hit.provenance())}{score}")
        snippet = [(terminal_safe(text), matched) for text, matched in hit.snippet]
        click.echo(f"   {to_terminal(snippet)}", color=color)
        if hit.missing:
            lacking = ", ".join(
                click.style(terminal_safe(w), strikethrough=True) for w in hit.missing
            )
            click.echo(f"   Missing: {lacking}", color=color)
        if hit.duplicates:
            n = len(hit.duplicates)
            where = ", ".join(d["source"] or Path(d["path"]).name for d in hit.duplicates)
            click.echo(f"   +{n} other version{'s' if n != 1 else ''} ({terminal_safe(where)})")


@cli.command(name="related", short_help="List the stories most like a document.")
@click.argument("document")
@index_option
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    help="Stories to list.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the list as one JSON object.")
def related_command(document, index_dir, limit, as_json):
    """List the stories most like DOCUMENT, best first, one document each.

    DOCUMENT is a file's path (absolute or relative to the working folder), the
    path a search shows (with #line-N for a record of an export), or a file name
    or relative path that only one indexed document ends with. The document's own
    story is left out. Similarity is Whoosh's more-like-this over the document's
    25 most telling words. Exit status: 0 with a list, 1 with none, 2 on an error.
    """
    from veille.indexer.store import StoreError, open_index

    from .related import UnknownDocument, document_key, related
    from .search import open_searcher

    try:
        ix = open_index(require_index(index_dir))
        with open_searcher(ix) as searcher:
            key = document_key(searcher, document)
            result = related(searcher, key, limit, time_limit=CLI_SEARCH_SECONDS)
    except (StoreError, UnknownDocument) as exc:
        raise VeilleError(str(exc.args[0] if exc.args else exc)) from None
    if as_json:
        click.echo(json_text(result.as_json(), indent=2))
    elif not result.hits:
        click.echo(f"No other story like {terminal_safe(repr(result.title))}.", err=True)
    else:
        click.echo(f"Stories like {terminal_safe(repr(result.title))}:")
        for hit in result.hits:
            click.echo()
            title = click.style(terminal_safe(hit.title), bold=True)
            click.echo(f"{hit.rank}. {title}", color=use_color())
            click.echo(f"   {terminal_safe(hit.provenance())}  (score {hit.score:.2f})")
    click.get_current_context().exit(0 if result.hits else 1)


@cli.command(short_help="Show what the index holds: documents, sources, dates, size.")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(index_dir, as_json):
    """Show what the index holds: documents and files, documents per source and
    per language, the range of their dates, the index's size on disk and when it
    was last updated."""
    from veille.indexer.store import StoreError, index_stats

    directory = require_index(index_dir)
    try:
        figures = index_stats(directory)
    except StoreError as exc:
        raise VeilleError(str(exc)) from None
    if as_json:
        click.echo(json_text(figures, indent=2))
        return
    for line in stats_lines(figures):
        click.echo(terminal_safe(line))


def stats_lines(figures: dict) -> list[str]:
    """The lines ``veille stats`` prints."""
    lines = [
        f"index        {figures['index']}",
        f"documents    {figures['documents']} from {figures['files']} files",
    ]
    for name in ("sources", "languages"):
        counts = ", ".join(f"{key} {n}" for key, n in figures[name].items()) or "none"
        lines.append(f"{name:<12} {counts}")
    first, last = figures["first_date"], figures["last_date"]
    lines.append(f"dates        {f'{first} to {last}' if first else 'none'}")
    lines.append(f"size         {figures['size_bytes'] / 1e6:.1f} MB")
    lines.append(f"last update  {figures['last_update']}")
    return lines


@cli.command(short_help="Show the tokens the chain makes of TEXT.")
@click.argument("text", nargs=-1, required=True)
@index_option
@table_options(
    "Analyse with the shipped synonyms plus this file, instead of the index's tables.",
    "Analyse with the shipped name variants plus this file, instead of the index's tables.",
)
@click.option(
    "--mode",
    type=click.Choice(["index", "query"]),
    default="index",
    show_default=True,
    help="Analyse as a document is indexed, or as a query is.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the tokens as JSON.")
def analyze(
    text, index_dir, synonyms, variants, no_default_synonyms, no_default_variants, mode, as_json
):
    """Show the tokens the analysis chain makes of TEXT, to see why something matches.

    Uses the chain the index was built with (or the default chain if the
    default index folder holds no index yet). Tokens on the same position are
    synonyms of each other; each says where it comes from: word, spelling rule,
    variant table or synonym table.
    """
    from veille.indexer.analysis import build_analyzer
    from veille.indexer.store import StoreError, index_analyzer, index_exists, open_index

    value = " ".join(text)
    analyzer = make_analyzer(synonyms, variants, no_default_synonyms, no_default_variants)
    if analyzer is None:
        directory = resolve_index(index_dir)
        try:
            if index_dir is not None or index_exists(directory):
                analyzer = index_analyzer(open_index(require_index(index_dir)))
        except StoreError as exc:
            raise VeilleError(str(exc)) from None
        analyzer = analyzer or build_analyzer()
    tokens = [
        {
            "token": t.text,
            "position": t.pos,
            "start": t.startchar,
            "end": t.endchar,
            "source": value[t.startchar : t.endchar],
            "origin": analyzer.origin(t.text, value[t.startchar : t.endchar]),
        }
        for t in analyzer(value, mode=mode, chars=True, positions=True)
    ]
    if as_json:
        click.echo(json_text({"text": value, "mode": mode, "tokens": tokens}))
        return
    for tok in tokens:
        origin = f"({tok['origin']})"
        line = f"{tok['position']:>4}  {tok['token']:<20} {tok['source']:<24} {origin}"
        click.echo(terminal_safe(line))


@cli.command(short_help="Serve the search page, JSON API and widget over HTTP.")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="URL",
    help="Origin allowed to call the API from a browser (repeatable; * for any). "
    "None by default: same origin only.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=SERVER_SEARCH_THREADS,
    show_default=True,
    help="Searches answered at once per worker process (two more threads answer "
    "/healthz and the widget's files meanwhile). Searches of one process share one "
    "core: more than 2 lengthen each without answering more.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Worker processes answering on the same socket (one per core uses them all).",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    envvar="VEILLE_ALLOWED_HOSTS",
    show_envvar=True,
    help="Another name clients may give in the Host header (repeatable; * for any). "
    "Always accepted: the --host address, localhost, 127.0.0.1 and ::1, on any port.",
)
@click.option(
    "--token-file",
    "token",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=lambda ctx, param, value: _token_from(value),
    envvar="VEILLE_TOKEN_FILE",
    show_envvar=True,
    help="File holding a shared token (16 or more printable ASCII characters) that every "
    "request but /healthz and /widget.js must send in the X-Veille-Token header.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(0.1, 60),
    default=SERVER_SEARCH_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help="What one request may take: parsing, matching, suggestions, snippets. A search "
    "out of time answers with what it has, marked partial.",
)
@click.option(
    "--public-url",
    default="",
    envvar="VEILLE_PUBLIC_URL",
    show_envvar=True,
    metavar="URL",
    help="Where the indexed folder's files are published on the intranet: a document "
    "without its own web address links to URL/its-path-in-the-folder.",
)
def serve(
    index_dir,
    host,
    port,
    cors_origins,
    threads,
    workers,
    allowed_hosts,
    token,
    time_limit,
    public_url,
):
    """Serve the index over HTTP with waitress: a search page at /, JSON at
    /search?q=, the embeddable widget at /widget.js and /healthz for monitoring.

    The server is read-only and answers from new documents as soon as
    `veille index` commits them, without a restart. Documents are named by their
    path inside the indexed folder, never by the server's own paths. One log
    line per request goes to stderr.
    """
    from veille.indexer.store import StoreError, open_index

    from .serve import serve as run_server

    directory = require_index(index_dir)
    try:
        open_index(directory).close()
    except StoreError as exc:
        raise VeilleError(str(exc)) from None
    if workers > 1 and not hasattr(os, "fork"):
        raise VeilleError("--workers needs a system that can fork (Linux, macOS)")
    try:
        run_server(
            directory,
            host,
            port,
            threads,
            cors_origins,
            workers,
            allowed_hosts,
            token,
            time_limit,
            public_url,
        )
    except OSError as exc:
        raise VeilleError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _token_from(path: Path | None) -> str | None:
    """The token of --token-file, or a usage error naming what is wrong with the file."""
    if path is None:
        return None
    from .wsgi import read_token

    try:
        return read_token(path)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def main() -> None:
    from .startup import defer_unused_imports

    defer_unused_imports()
    cli(prog_name="veille")
