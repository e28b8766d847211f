"""Arrays of values as one statement parameter (PostgreSQL)."""


def array_parameter(name: str, values, cast: str) -> tuple[str, object]:
    """(SQL, parameter) for an array of values in a PostgreSQL statement with named
    parameters: one comma-separated text split by the server when no value holds a comma,
    since psycopg turns a list into an array item by item in Python (a few microseconds
    each, and a list brings tens of thousands of keys)."""
    values = list(values)
    joined = ",".join(map(str, values))
    if joined.count(",") != max(len(values) - 1, 0):  # a value holds a comma
        return f"%({name})s::{cast}[]", values
    return f"string_to_array(%({name})s, ',')::{cast}[]", joined
