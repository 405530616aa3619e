"""The 七个一 outreach work in the program: printing the kits (kit_dialog.py)."""
