"""The one exception type that reaches the user as a one-line message."""


class BoundaryError(Exception):
    """A user-facing error: bad input, a bad spec value, a missing file.

    The message is one line and names the file, field or key at fault. The CLI prints it as
    ``boundary: error: <message>`` and exits with status 2, without a traceback.
    """
