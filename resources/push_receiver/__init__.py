"""The HTTP endpoint Ozon pushes notifications to: stores each in the inbox, then acknowledges."""
