"""Place names, streets, door numbers, signs and address search."""
