"""The Word round trip: aix docx writes a snapshot with a store of its exact sources; aix sync reads it back."""
