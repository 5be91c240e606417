"""The library's own exceptions; the CLI maps them to clean messages and exit statuses."""


class KgError(Exception):
    """Base class: a problem to report to the user in one line, without a traceback."""

    exit_code = 1


class InputError(KgError):
    """No paper could be read from the inputs given."""


class QueryError(KgError):
    """A SPARQL query that does not parse or cannot run; the message carries the parser's position."""

    exit_code = 2


class StoreError(KgError):
    """The store is missing, locked or corrupt."""

    exit_code = 3


class EndpointError(KgError):
    """A remote SPARQL endpoint refused, failed or timed out."""

    exit_code = 4
