"""Administrative units, boundary lines and markers, inspections and redistricting."""
