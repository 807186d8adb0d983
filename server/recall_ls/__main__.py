"""``python -m recall_ls`` runs the command-line interface."""

from recall_ls.cli import main

raise SystemExit(main())
