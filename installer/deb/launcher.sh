#!/bin/sh
# /usr/bin/mediation-desk: starts the program installed under /opt/mediation-desk
# (it brings its own Python and Qt; the data stays in the user's home folder).
exec /opt/mediation-desk/mediation-desk "$@"
