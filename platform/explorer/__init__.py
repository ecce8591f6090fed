"""The explorer of ``platform serve``: a local, read-only web view of the predictions in the graph.

``app`` is the HTTP server (standard library only) and its routes, ``views`` one function per page,
``reads`` the graph reads they need, ``pages`` and ``drawing`` the HTML and SVG they return;
``static/`` holds the one script and style sheet the pages load.
"""

#: Where ``platform serve`` listens unless told (on 127.0.0.1 only).
DEFAULT_PORT = 8765
