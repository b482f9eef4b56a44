"""The warehouse's SQL, shipped as package data: wiredesk reads it through `wiredesk.shipped`."""
