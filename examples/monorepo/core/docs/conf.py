import os
import sys

sys.path.insert(0, os.path.abspath("../src"))
project = "s2nscanner"
extensions = ["sphinx.ext.autodoc"]
html_theme = "alabaster"
