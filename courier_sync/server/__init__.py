"""The sync service the couriers' phones talk to; never imports `dispatcher`."""
