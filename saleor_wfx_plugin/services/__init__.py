"""Write paths: every change to the programme's data goes through a function here."""
