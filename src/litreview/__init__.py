"""litreview: a literature-review assistant for researchers who work in the terminal.

The package is split by the stage of the data's journey: ``library`` reads
paper files, ``index`` embeds, stores and retrieves them, and ``cli`` is the
command line on top. Later stages import earlier ones, never the reverse.
"""

__version__ = "0.1.0"
