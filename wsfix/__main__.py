"""`python -m wsfix`: the same command line as the `wsfix` script."""

from wsfix.cli import main

if __name__ == "__main__":
    main()
