"""`python -m docgen`: the same as the `docgen` command."""

from docgen.cli import main

raise SystemExit(main())
