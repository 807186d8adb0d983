"""Markdown notes read as blocks: the one home of Markdown in Recall.

``splitter`` (a note's blocks, split again after an edit only where it changed) is what the notes
importer and the language server's keystroke path call; ``blocks`` parses text into blocks,
``cleanup`` blanks what the parser would misread, ``stretches`` finds where a note can be cut, and
``front_matter`` reads the block a note may open with. Nothing here knows about files or sources.
"""
