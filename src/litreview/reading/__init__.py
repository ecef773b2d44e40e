"""Reading a library: paper files in, plain :class:`Paper` records out.

Nothing here knows about embeddings or storage; the index stage consumes
what this stage produces.
"""

from litreview.reading.errors import LibraryFileError
from litreview.reading.paper import Paper
from litreview.reading.readers import ReadResult, read_file, sample_paths

__all__ = ["LibraryFileError", "Paper", "ReadResult", "read_file", "sample_paths"]
