#!/usr/bin/env python3
"""Baseline for bench/ingest_git_bench: reads `git log --format=%x1e%H%x00%B`
from stdin and extracts each commit's trailers (last paragraph, all lines
`Token: value`). Prints the commit and trailer counts."""
import re
import sys

TRAILER = re.compile(r'^([A-Za-z0-9-]+)\s*:\s*(.*)$')


def main():
    data = sys.stdin.buffer.read().decode('utf-8', errors='replace')
    commits = 0
    trailer_count = 0
    records = data.split('\x1e')
    for record in records:
        if not record:
            continue
        sha, _, body = record.partition('\0')
        commits += 1
        paragraphs = body.rstrip().split('\n\n')
        if len(paragraphs) < 2:
            continue
        lines = paragraphs[-1].splitlines()
        found = [TRAILER.match(line) for line in lines]
        if lines and all(found):
            trailer_count += len(found)
    print(f'commits={commits} trailers={trailer_count}')


if __name__ == '__main__':
    main()
