"""An independent SQLCipher 4 client (the PyPI package sqlcipher3), used by the tests to show
that a Tickmark file opens in standard tools given its passphrase, and to change one behind
Tickmark's back the way someone with the passphrase and a SQL shell could.

usage: client.py read FILE            (passphrase in TICKMARK_PASSPHRASE)
       client.py sql FILE STATEMENT
"""
import json
import os
import sys

from sqlcipher3 import dbapi2 as sqlcipher


def connect(path):
    conn = sqlcipher.connect(path)
    key = os.environ["TICKMARK_PASSPHRASE"].replace("'", "''")
    conn.execute(f"PRAGMA key = '{key}'")
    return conn


def main(argv):
    command, path = argv[1], argv[2]
    conn = connect(path)
    if command == "read":
        client, system = conn.execute("SELECT client, system FROM engagement").fetchone()
        controls = conn.execute("SELECT count(*) FROM control").fetchone()[0]
        trail = conn.execute("SELECT count(*) FROM trail").fetchone()[0]
        version = conn.execute("PRAGMA cipher_version").fetchone()[0]
        print(json.dumps({"client": client, "system": system, "controls": controls, "trail": trail, "cipher_version": version}))
    elif command == "sql":
        changed = conn.execute(argv[3]).rowcount
        conn.commit()
        print(json.dumps({"changed": changed}))
    else:
        raise SystemExit(f"unknown command {command}")
    conn.close()


if __name__ == "__main__":
    main(sys.argv)
