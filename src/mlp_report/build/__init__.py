"""How the book is made: staging and executing the chapters (:mod:`.book`), the Sphinx extension that
brings them up to date when a build starts (:mod:`.sphinx_ext`), the PDF (:mod:`.pdf`) and the build
lock (:mod:`.lock`). The package's root keeps the science; this subpackage only builds the report."""
